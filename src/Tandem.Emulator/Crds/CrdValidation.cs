using System.Text.Json.Nodes;
using Tandem.Emulator.Storage;

namespace Tandem.Emulator.Crds;

/// <summary>The CustomResourceDefinition rules the apiserver enforces that matter to clients (names, scope, versions).</summary>
public static class CrdValidation
{
    public static IEnumerable<(string Field, string Type, string Message)> Validate(JsonObject crd)
    {
        var name = JsonPaths.Str(crd["metadata"] as JsonObject, "name") ?? "";
        if (crd["spec"] is not JsonObject spec) { yield return ("spec", "FieldValueRequired", "Required value"); yield break; }
        var group = JsonPaths.Str(spec, "group");
        if (string.IsNullOrEmpty(group)) yield return ("spec.group", "FieldValueRequired", "Required value");
        else if (!group.Contains('.')) yield return ("spec.group", "FieldValueInvalid", $"Invalid value: \"{group}\": should be a domain with at least one dot");
        var names = spec["names"] as JsonObject;
        var plural = JsonPaths.Str(names, "plural");
        if (string.IsNullOrEmpty(plural)) yield return ("spec.names.plural", "FieldValueRequired", "Required value");
        if (string.IsNullOrEmpty(JsonPaths.Str(names, "kind"))) yield return ("spec.names.kind", "FieldValueRequired", "Required value");
        if (!string.IsNullOrEmpty(plural) && !string.IsNullOrEmpty(group) && name != $"{plural}.{group}")
            yield return ("metadata.name", "FieldValueInvalid", $"Invalid value: \"{name}\": must be spec.names.plural+\".\"+spec.group");
        var scope = JsonPaths.Str(spec, "scope");
        if (scope is not ("Namespaced" or "Cluster")) yield return ("spec.scope", "FieldValueNotSupported", $"Unsupported value: \"{scope}\": supported values: \"Cluster\", \"Namespaced\"");
        if (spec["versions"] is not JsonArray { Count: > 0 } versions) { yield return ("spec.versions", "FieldValueInvalid", "Invalid value: must have exactly one version marked as storage version"); yield break; }
        var storage = versions.OfType<JsonObject>().Count(v => v["storage"]?.GetValue<bool>() == true);
        if (storage != 1) yield return ("spec.versions", "FieldValueInvalid", $"Invalid value: must have exactly one version marked as storage version, found {storage}");
        for (int i = 0; i < versions.Count; i++)
        {
            if (versions[i] is not JsonObject v) continue;
            if (string.IsNullOrEmpty(JsonPaths.Str(v, "name"))) yield return ($"spec.versions[{i}].name", "FieldValueRequired", "Required value");
            if (v["schema"]?["openAPIV3Schema"] is not JsonObject)
                yield return ($"spec.versions[{i}].schema.openAPIV3Schema", "FieldValueRequired", "Required value: schemas are required");
        }
    }
}
