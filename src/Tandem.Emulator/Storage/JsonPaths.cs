using System.Text.Json.Nodes;

namespace Tandem.Emulator.Storage;

/// <summary>Small helpers to read and write dotted paths (".spec.replicas") in JSON objects.</summary>
public static class JsonPaths
{
    public static JsonNode? Get(JsonNode? node, string dottedPath)
    {
        foreach (var part in Split(dottedPath))
        {
            if (node is not JsonObject o || !o.TryGetPropertyValue(part, out node)) return null;
        }
        return node;
    }

    public static void Set(JsonObject root, string dottedPath, JsonNode? value)
    {
        var parts = Split(dottedPath);
        JsonObject cur = root;
        for (int i = 0; i < parts.Length - 1; i++)
        {
            if (cur[parts[i]] is not JsonObject next) { next = new JsonObject(); cur[parts[i]] = next; }
            cur = next;
        }
        cur[parts[^1]] = value;
    }

    public static string? GetString(JsonNode? node, string dottedPath) =>
        Get(node, dottedPath) is JsonValue v && v.TryGetValue<string>(out var s) ? s : Get(node, dottedPath)?.ToJsonString();

    public static JsonObject Metadata(JsonObject obj)
    {
        if (obj["metadata"] is not JsonObject m) { m = new JsonObject(); obj["metadata"] = m; }
        return m;
    }

    public static string? Str(JsonObject? o, string key) =>
        o is not null && o.TryGetPropertyValue(key, out var n) && n is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    /// <summary>A number as long whatever CLR type backs it (JsonValue.GetValue is type-exact), or null.</summary>
    public static long? LongOrNull(JsonNode? n)
    {
        if (n is not JsonValue v) return null;
        if (v.TryGetValue<long>(out var l)) return l;
        if (v.TryGetValue<int>(out var i)) return i;
        if (v.TryGetValue<double>(out var d)) return (long)d;
        return null;
    }

    public static long Long(JsonNode? n) => LongOrNull(n) ?? 0;

    private static string[] Split(string dottedPath) => dottedPath.TrimStart('.').Split('.', StringSplitOptions.RemoveEmptyEntries);
}
