using System.Text.Json.Nodes;
using Tandem.Emulator.Storage;

namespace Tandem.Emulator.Patching;

/// <summary>Applies a PATCH body by its Content-Type: JSON merge, JSON patch or strategic merge.</summary>
public static class PatchTypes
{
    public const string Merge = "application/merge-patch+json";
    public const string Json = "application/json-patch+json";
    public const string Strategic = "application/strategic-merge-patch+json";
    public const string ApplyYaml = "application/apply-patch+yaml";

    public static JsonObject Apply(ResourceType t, JsonObject current, string contentType, JsonNode patch)
    {
        var media = contentType.Split(';')[0].Trim();
        JsonNode? result = media switch
        {
            Merge => JsonMergePatch.Apply(current, patch),
            Json => JsonPatch.Apply(current, patch as JsonArray ?? throw ApiException.BadRequest("a json patch must be an array of operations")),
            Strategic when t.IsCustom => throw ApiException.UnsupportedMediaType($"the body of the request was in an unknown format - accepted media types include: {Json}, {Merge}, {ApplyYaml}"),
            Strategic => StrategicMergePatch.Apply(current, patch as JsonObject ?? throw ApiException.BadRequest("a strategic merge patch must be an object")),
            _ => throw ApiException.UnsupportedMediaType($"the body of the request was in an unknown format - accepted media types include: {Json}, {Merge}, {ApplyYaml}{(t.IsCustom ? "" : ", " + Strategic)}"),
        };
        return result as JsonObject ?? throw ApiException.BadRequest("the patched object is not a JSON object");
    }
}
