using System.Globalization;
using System.Text.Json.Nodes;
using Tandem.Emulator.Storage;

namespace Tandem.Emulator.Patching;

/// <summary>
/// RFC 6902 JSON patch over JsonNode (add, remove, replace, move, copy, test). Hand-written and small because the
/// packaged JsonPatch libraries here work on typed models, not on schemaless Kubernetes objects.
/// </summary>
public static class JsonPatch
{
    public static JsonNode Apply(JsonNode document, JsonArray operations)
    {
        var doc = document.DeepClone();
        int index = 0;
        foreach (var raw in operations)
        {
            if (raw is not JsonObject op) throw ApiException.BadRequest($"json patch: operation {index} is not an object");
            var kind = JsonPaths.Str(op, "op") ?? throw ApiException.BadRequest($"json patch: operation {index}: \"op\" is required");
            var path = JsonPaths.Str(op, "path") ?? throw ApiException.BadRequest($"json patch: operation {index}: \"path\" is required");
            switch (kind)
            {
                case "add": doc = Add(doc, path, Value(op, index)); break;
                case "remove": doc = Remove(doc, path, out _); break;
                case "replace": doc = Remove(doc, path, out _); doc = Add(doc, path, Value(op, index)); break;
                case "move":
                    doc = Remove(doc, From(op, index), out var moved);
                    doc = Add(doc, path, moved);
                    break;
                case "copy": doc = Add(doc, path, Resolve(doc, From(op, index))?.DeepClone()); break;
                case "test":
                    if (!JsonNode.DeepEquals(Resolve(doc, path), Value(op, index)))
                        throw new ApiException(422, "Invalid", $"json patch: test operation {index} failed at path {path}");
                    break;
                default: throw ApiException.BadRequest($"json patch: operation {index}: unknown op \"{kind}\"");
            }
            index++;
        }
        return doc;
    }

    private static JsonNode? Value(JsonObject op, int index) =>
        op.TryGetPropertyValue("value", out var v) ? v?.DeepClone() : throw ApiException.BadRequest($"json patch: operation {index}: \"value\" is required");

    private static string From(JsonObject op, int index) =>
        JsonPaths.Str(op, "from") ?? throw ApiException.BadRequest($"json patch: operation {index}: \"from\" is required");

    private static List<string> Tokens(string pointer)
    {
        if (pointer.Length == 0) return [];
        if (pointer[0] != '/') throw ApiException.BadRequest($"json patch: path \"{pointer}\" must start with '/'");
        return [.. pointer[1..].Split('/').Select(t => t.Replace("~1", "/").Replace("~0", "~"))];
    }

    private static JsonNode? Resolve(JsonNode? doc, string pointer)
    {
        foreach (var t in Tokens(pointer))
        {
            doc = doc switch
            {
                JsonObject o when o.TryGetPropertyValue(t, out var c) => c,
                JsonArray a when int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < a.Count => a[i],
                _ => throw new ApiException(422, "Invalid", $"json patch: path \"{pointer}\" does not exist"),
            };
        }
        return doc;
    }

    private static JsonNode Add(JsonNode doc, string pointer, JsonNode? value)
    {
        var tokens = Tokens(pointer);
        if (tokens.Count == 0) return value ?? throw ApiException.BadRequest("json patch: cannot replace the document with null");
        var parent = Resolve(doc, "/" + string.Join('/', tokens[..^1].Select(Escape)));
        var last = tokens[^1];
        switch (parent)
        {
            case JsonObject o: o[last] = value; break;
            case JsonArray a when last == "-": a.Add(value); break;
            case JsonArray a when int.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i <= a.Count: a.Insert(i, value); break;
            default: throw new ApiException(422, "Invalid", $"json patch: cannot add at path \"{pointer}\"");
        }
        return doc;
    }

    private static JsonNode Remove(JsonNode doc, string pointer, out JsonNode? removed)
    {
        var tokens = Tokens(pointer);
        if (tokens.Count == 0) throw ApiException.BadRequest("json patch: cannot remove the whole document");
        var parent = Resolve(doc, "/" + string.Join('/', tokens[..^1].Select(Escape)));
        var last = tokens[^1];
        switch (parent)
        {
            case JsonObject o when o.TryGetPropertyValue(last, out removed): o.Remove(last); break;
            case JsonArray a when int.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < a.Count:
                removed = a[i]; a.RemoveAt(i); break;
            default: throw new ApiException(422, "Invalid", $"json patch: path \"{pointer}\" does not exist");
        }
        removed = removed?.DeepClone();
        return doc;
    }

    private static string Escape(string token) => token.Replace("~", "~0").Replace("/", "~1");
}
