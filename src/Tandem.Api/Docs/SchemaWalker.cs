using System.Text.Json;
using System.Text.Encodings.Web;
using System.Text.Json.Nodes;
using Tandem.Api.Validation;

namespace Tandem.Api.Docs;

/// <summary>
/// Walks a kind's generated <c>openAPIV3Schema</c> depth-first and lists every object type with its fields, so the
/// reference is read from the same schema the CRD carries rather than from the C# types a second time.
/// </summary>
public sealed class SchemaWalker(FieldConstraints constraints, EnumMeanings? meanings = null)
{
    private static readonly JsonSerializerOptions Compact = new(JsonSerializerOptions.Default) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Every object type of <paramref name="root"/>, the top level first, each followed by the types nested in it.</summary>
    public IReadOnlyList<ObjectTable> Walk(string kind, JsonObject root)
    {
        var tables = new List<ObjectTable>();
        Visit(kind.ToLowerInvariant(), "", root, tables);
        return tables;
    }

    /// <summary>The markdown anchor of the table at <paramref name="path"/> of a kind.</summary>
    public static string Anchor(string kindSlug, string path) =>
        path.Length == 0 ? kindSlug + "-top-level" : kindSlug + "-" + path.Replace("[]", "-items").Replace('.', '-').Replace("*", "values").ToLowerInvariant();

    private void Visit(string kindSlug, string path, JsonObject schema, List<ObjectTable> tables)
    {
        var properties = schema["properties"] as JsonObject ?? [];
        var required = (schema["required"] as JsonArray)?.Select(r => r!.GetValue<string>()).ToHashSet() ?? [];
        var rows = new List<FieldRow>();
        var nested = new List<(string Path, JsonObject Schema)>();
        var rules = RulesOf(path, schema).ToList();
        foreach (var (name, node) in properties)
        {
            var field = (JsonObject)node!;
            var fieldPath = path.Length == 0 ? name : $"{path}.{name}";
            var type = TypeOf(kindSlug, fieldPath, field, nested);
            if (field["properties"] is null)
            {
                // A rule on a field without its own table is listed with the object that holds the field.
                rules.AddRange(RulesOf(fieldPath, field));
            }

            var values = (field["enum"] ?? field["items"]?["enum"]) is JsonArray allowed ? meanings?.Of(allowed.Select(v => v!.GetValue<string>())) : null;
            rows.Add(new FieldRow(name, type, DefaultOf(field), constraints.Describe(field), required.Contains(name), field["description"]?.GetValue<string>()) { Values = values });
        }

        var table = new ObjectTable(path, Anchor(kindSlug, path), schema["description"]?.GetValue<string>(), rows, rules);
        tables.Add(table);
        foreach (var (childPath, childSchema) in nested)
        {
            Visit(kindSlug, childPath, childSchema, tables);
        }
    }

    private static string TypeOf(string kindSlug, string path, JsonObject schema, List<(string, JsonObject)> nested)
    {
        var type = schema["type"]?.GetValue<string>();
        var format = schema["format"]?.GetValue<string>();
        switch (type)
        {
            case "array" when schema["items"] is JsonObject items:
                return "list of " + TypeOf(kindSlug, path + "[]", items, nested);
            case "object" when schema["properties"] is JsonObject:
                nested.Add((path, schema));
                return $"[object](#{Anchor(kindSlug, path)})";
            case "object" when schema["additionalProperties"] is JsonObject values:
                return "map of string to " + TypeOf(kindSlug, path + ".*", values, nested);
            case "string" when format == "date-time":
                return "timestamp (RFC 3339)";
            case "integer" when format == "int64":
                return "integer (64-bit)";
            default:
                return type ?? "any";
        }
    }

    private static string? DefaultOf(JsonObject schema) => schema["default"] switch
    {
        null => null,
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        var node => node.ToJsonString(Compact),
    };

    private static IReadOnlyList<RuleEntry> RulesOf(string path, JsonObject schema) =>
        (schema["x-kubernetes-validations"] as JsonArray)?.Select(r =>
        {
            var cel = r!["rule"]!.GetValue<string>();
            var id = ValidationRules.ByCel.TryGetValue(cel, out var rule) ? rule.Id : null;
            return new RuleEntry(path, id, r["message"]?.GetValue<string>() ?? "", cel);
        }).ToArray() ?? [];
}
