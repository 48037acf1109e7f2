using System.Text;
using System.Text.Json.Nodes;

namespace Tandem.Api.Docs;

/// <summary>Renders one kind of the reference: what it is, names, printer columns, subresources, field tables and rules.</summary>
internal static class KindSection
{
    public static void Append(StringBuilder text, JsonObject crd, IReadOnlyList<ObjectTable> tables)
    {
        var spec = crd["spec"]!;
        var names = spec["names"]!;
        var version = (JsonObject)spec["versions"]![0]!;
        var kind = ApiReference.Kind(crd);
        text.Append($"## {kind}\n\n");
        text.Append(Markdown.Text(ApiReference.Root(crd)["description"]?.GetValue<string>())).Append("\n\n");

        var categories = names["categories"] is JsonArray c ? string.Join(", ", c.Select(n => Markdown.Code(n!.GetValue<string>()))) : "none";
        text.Append(Markdown.Table(["", ""],
        [
            ["API version", Markdown.Code($"{spec["group"]}/{version["name"]}")],
            ["Kind", $"{Markdown.Code(kind)} (list: {Markdown.Code(names["listKind"]!.GetValue<string>())})"],
            ["Scope", spec["scope"]!.GetValue<string>()],
            ["Resource", $"{Markdown.Code(names["plural"]!.GetValue<string>())} (singular {Markdown.Code(names["singular"]!.GetValue<string>())}, {ApiReference.ShortNames(crd)})"],
            ["Categories", names["categories"] is JsonArray { Count: > 0 } ? $"{categories} (`kubectl get {names["categories"]![0]}` lists it with the other kinds of the category)" : categories],
            ["Subresources", Subresources(version)],
        ]));

        text.Append("\n### Printer columns\n\n");
        if (version["additionalPrinterColumns"] is JsonArray columns && columns.Count > 0)
        {
            text.Append($"What `kubectl get {names["plural"]}` shows.\n\n");
            text.Append(Markdown.Table(["Column", "Type", "JSON path", "Shown", "Description"], columns.Select(col => (IReadOnlyList<string>)
            [
                Markdown.Text(col!["name"]!.GetValue<string>()),
                col["type"]!.GetValue<string>(),
                Markdown.Code(col["jsonPath"]!.GetValue<string>()),
                (col["priority"]?.GetValue<int>() ?? 0) == 0 ? "always" : "with `-o wide`",
                Markdown.Text(col["description"]?.GetValue<string>()),
            ])));
        }
        else
        {
            text.Append("None: `kubectl get` shows name and age.\n");
        }

        text.Append("\n### Fields\n");
        foreach (var table in tables)
        {
            AppendTable(text, kind, table);
        }

        text.Append("\n### Cross-field rules\n\n");
        var rules = tables.SelectMany(t => t.Rules).ToArray();
        if (rules.Length == 0)
        {
            text.Append("None beyond the per-field constraints above.\n");
            return;
        }

        text.Append(Markdown.Table(["Applies to", "Rule", "Message", "CEL"], rules.Select(rule => (IReadOnlyList<string>)
        [
            Markdown.Code(rule.Path.Length == 0 ? kind : rule.Path),
            rule.Id is null ? "" : Markdown.Code(rule.Id),
            Markdown.Text(rule.Message),
            Markdown.Code(rule.Cel),
        ])));
    }

    private static void AppendTable(StringBuilder text, string kind, ObjectTable table)
    {
        var title = table.Path.Length == 0 ? $"{kind} (top level)" : Markdown.Code(table.Path);
        text.Append($"\n<a id=\"{table.Anchor}\"></a>\n\n#### {title}\n\n");
        // The top level's description is the kind's, already said at the head of the section.
        if (table.Description is { } description && table.Path.Length > 0)
        {
            text.Append(Markdown.Text(description)).Append("\n\n");
        }

        text.Append(Markdown.Table(["Field", "Type", "Default", "Constraints", "Required", "Description"], table.Fields.Select(field => (IReadOnlyList<string>)
        [
            Markdown.Code(field.Name),
            field.Type,
            field.Default is null ? "" : Markdown.Code(field.Default),
            // Constraint phrases are markdown already (values in code spans); only pipes need escaping in a cell.
            string.Join("; ", field.Constraints).Replace("|", "\\|"),
            field.Required ? "yes" : "",
            Markdown.Text(field.Description ?? DescriptionOfUndocumented(table.Path, field.Name)),
        ])));

        foreach (var field in table.Fields.Where(f => f.Values is not null))
        {
            text.Append($"\nValues of {Markdown.Code(field.Name)}:\n\n");
            foreach (var (value, meaning) in field.Values!)
            {
                text.Append($"- {Markdown.Code(value)}{(meaning is null ? "" : ": " + Markdown.Text(meaning))}\n");
            }
        }

        foreach (var rule in table.Rules)
        {
            var on = rule.Path == table.Path ? "this object" : Markdown.Code(rule.Path);
            text.Append($"\nRule on {on}: {Markdown.Text(rule.Message)} (CEL {Markdown.Code(rule.Cel)}).\n");
        }
    }

    // metadata is Kubernetes' own ObjectMeta, which the CRD leaves undescribed.
    private static string? DescriptionOfUndocumented(string path, string field) =>
        path.Length == 0 && field == "metadata" ? "Standard Kubernetes object metadata: name, namespace, labels, annotations, owner references." : null;

    private static string Subresources(JsonObject version)
    {
        var parts = new List<string>();
        if (version["subresources"]?["status"] is not null)
        {
            parts.Add("`status` (the operator writes status through it; spec writes cannot change status)");
        }

        if (version["subresources"]?["scale"] is { } scale)
        {
            var selector = scale["labelSelectorPath"] is { } path ? $", pod selector from {Markdown.Code(path.GetValue<string>())}" : "";
            parts.Add($"`scale` (`kubectl scale`, an HPA or KEDA set {Markdown.Code(scale["specReplicasPath"]!.GetValue<string>())}; " +
                      $"current replicas from {Markdown.Code(scale["statusReplicasPath"]!.GetValue<string>())}{selector})");
        }

        return parts.Count == 0 ? "none" : string.Join("; ", parts);
    }
}
