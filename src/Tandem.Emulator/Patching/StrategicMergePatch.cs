using System.Text.Json.Nodes;

namespace Tandem.Emulator.Patching;

/// <summary>
/// Strategic merge patch for the built-in kinds: lists that Kubernetes merges by key (containers by name, ports by
/// containerPort/port, ...) are merged item by item, other lists are replaced; `$patch`, `$retainKeys`,
/// `$deleteFromPrimitiveList` and `$setElementOrder` directives are honoured. The merge keys come from a table of
/// field names rather than Go struct tags, which is enough for the built-in kinds kubectl and helm patch.
/// </summary>
public static class StrategicMergePatch
{
    private static readonly Dictionary<string, string[]> MergeKeys = new()
    {
        ["containers"] = ["name"], ["initContainers"] = ["name"], ["ephemeralContainers"] = ["name"],
        ["volumes"] = ["name"], ["env"] = ["name"], ["imagePullSecrets"] = ["name"], ["volumeMounts"] = ["mountPath"],
        ["volumeDevices"] = ["devicePath"], ["ports"] = ["containerPort", "port"], ["conditions"] = ["type"],
        ["ownerReferences"] = ["uid"], ["hostAliases"] = ["ip"], ["topologySpreadConstraints"] = ["topologyKey"],
        ["resourceClaims"] = ["name"], ["readinessGates"] = ["conditionType"],
    };

    private static readonly HashSet<string> PrimitiveMergeLists = ["finalizers"];

    public static JsonObject Apply(JsonObject original, JsonObject patch) => (JsonObject)MergeMap(original.DeepClone().AsObject(), patch)!;

    /// <summary>The merge key of a list field, or null for a list that is replaced whole (atomic).</summary>
    public static string? MergeKeyOf(string field, JsonArray? sample)
    {
        if (!MergeKeys.TryGetValue(field, out var keys)) return null;
        if (keys.Length == 1) return keys[0];
        var first = sample?.OfType<JsonObject>().FirstOrDefault();
        return keys.FirstOrDefault(k => first?.ContainsKey(k) == true) ?? keys[0];
    }

    public static bool IsPrimitiveMergeList(string field) => PrimitiveMergeLists.Contains(field);

    private static JsonNode? MergeMap(JsonObject target, JsonObject patch)
    {
        var directive = patch["$patch"]?.GetValue<string>();
        if (directive == "delete") return null;
        if (directive == "replace") return StripDirectives(patch);
        foreach (var (key, value) in patch)
        {
            if (key.StartsWith("$deleteFromPrimitiveList/", StringComparison.Ordinal))
            {
                var field = key["$deleteFromPrimitiveList/".Length..];
                if (target[field] is JsonArray list && value is JsonArray remove)
                    target[field] = new JsonArray([.. list.Where(i => !remove.Any(r => JsonNode.DeepEquals(r, i))).Select(i => i?.DeepClone())]);
                continue;
            }
            if (key.StartsWith('$')) continue;
            if (value is null) { target.Remove(key); continue; }
            target[key] = value switch
            {
                JsonObject po => target[key] is JsonObject to ? MergeMap(to.DeepClone().AsObject(), po) : MergeMap(new JsonObject(), po),
                JsonArray pa => MergeList(target[key] as JsonArray, pa, key),
                _ => value.DeepClone(),
            };
            if (target[key] is null && value is JsonObject) target.Remove(key);
        }
        if (patch["$retainKeys"] is JsonArray retain)
        {
            var keep = retain.Select(r => r?.GetValue<string>()).ToHashSet();
            foreach (var k in target.Select(p => p.Key).Where(k => !keep.Contains(k)).ToList()) target.Remove(k);
        }
        return target;
    }

    private static JsonArray MergeList(JsonArray? target, JsonArray patch, string field)
    {
        if (patch.OfType<JsonObject>().Any(i => i["$patch"]?.GetValue<string>() == "replace"))
            return new JsonArray([.. patch.Where(i => !(i is JsonObject o && o["$patch"]?.GetValue<string>() == "replace")).Select(StripDirectives)]);
        if (IsPrimitiveMergeList(field))
        {
            var result = target?.DeepClone().AsArray() ?? [];
            foreach (var item in patch)
                if (!result.Any(r => JsonNode.DeepEquals(r, item))) result.Add(item?.DeepClone());
            return result;
        }
        var mergeKey = MergeKeyOf(field, patch.Count > 0 ? patch : target);
        if (mergeKey is null || target is null) return new JsonArray([.. patch.Where(i => !IsDeleteDirective(i)).Select(StripDirectives)]);
        var merged = target.DeepClone().AsArray();
        foreach (var item in patch)
        {
            if (item is not JsonObject pItem) { merged.Add(item?.DeepClone()); continue; }
            var keyValue = pItem[mergeKey];
            var index = merged.Select((m, i) => (m, i)).FirstOrDefault(x => x.m is JsonObject mo && JsonNode.DeepEquals(mo[mergeKey], keyValue), (null, -1)).Item2;
            if (IsDeleteDirective(pItem)) { if (index >= 0) merged.RemoveAt(index); continue; }
            if (index >= 0) merged[index] = MergeMap(merged[index]!.DeepClone().AsObject(), pItem);
            else merged.Add(StripDirectives(pItem));
        }
        return merged;
    }

    private static bool IsDeleteDirective(JsonNode? n) => n is JsonObject o && o["$patch"]?.GetValue<string>() == "delete";

    private static JsonNode? StripDirectives(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.Where(p => !p.Key.StartsWith('$')).Select(p => KeyValuePair.Create(p.Key, StripDirectives(p.Value)))),
        JsonArray a => new JsonArray([.. a.Select(StripDirectives)]),
        _ => node?.DeepClone(),
    };
}
