using System.Text.Json.Nodes;
using Tandem.Emulator.Storage;

namespace Tandem.Emulator.Crds;

/// <summary>Turns a CRD into the resource types it serves: one per served version, with names, subresources and columns.</summary>
public static class CrdTypes
{
    public static IReadOnlyList<ResourceType> From(JsonObject crd)
    {
        if (crd["metadata"]?["deletionTimestamp"] is not null && crd["metadata"]?["finalizers"] is not JsonArray { Count: > 0 }) return [];
        var spec = (JsonObject)crd["spec"]!;
        var names = (JsonObject)spec["names"]!;
        var group = JsonPaths.Str(spec, "group")!;
        var kind = JsonPaths.Str(names, "kind")!;
        var plural = JsonPaths.Str(names, "plural")!;
        var singular = JsonPaths.Str(names, "singular") ?? kind.ToLowerInvariant();
        var list = new List<ResourceType>();
        foreach (var v in ((JsonArray)spec["versions"]!).OfType<JsonObject>())
        {
            if (v["served"]?.GetValue<bool>() == false) continue;
            var sub = v["subresources"] as JsonObject;
            var scale = sub?["scale"] as JsonObject;
            list.Add(new ResourceType(group, JsonPaths.Str(v, "name")!, plural, singular, kind, JsonPaths.Str(spec, "scope") == "Namespaced")
            {
                ShortNames = Strings(names["shortNames"]),
                Categories = Strings(names["categories"]),
                HasStatus = sub?["status"] is not null,
                Scale = scale is null ? null : new ScaleMapping(JsonPaths.Str(scale, "specReplicasPath") ?? ".spec.replicas",
                    JsonPaths.Str(scale, "statusReplicasPath") ?? ".status.replicas", JsonPaths.Str(scale, "labelSelectorPath")),
                IsCustom = true,
                Schema = v["schema"]?["openAPIV3Schema"]?.DeepClone() as JsonObject,
                PrinterColumns = [.. (v["additionalPrinterColumns"] as JsonArray ?? []).OfType<JsonObject>().Select(c => new PrinterColumn(
                    JsonPaths.Str(c, "name") ?? "", JsonPaths.Str(c, "type") ?? "string", JsonPaths.Str(c, "jsonPath") ?? "",
                    JsonPaths.Str(c, "description") ?? "", (int)JsonPaths.Long(c["priority"]), JsonPaths.Str(c, "format") ?? ""))],
            });
        }
        return list;
    }

    private static IReadOnlyList<string> Strings(JsonNode? n) => (n as JsonArray)?.Select(x => x?.GetValue<string>() ?? "").ToList() ?? [];
}
