using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Tandem.Emulator.Patching;
using Tandem.Emulator.Storage;

namespace Tandem.Emulator.Http;

/// <summary>Reads a request body as JSON (or YAML) and names the patch type from Content-Type.</summary>
public static class RequestBody
{
    /// <summary>The body as JSON or YAML text; a protobuf body of a kind the emulator knows is decoded to JSON first.</summary>
    public static Task<string> ReadText(HttpContext ctx) => ProtobufBody.ReadAsJsonText(ctx);

    public static JsonNode? Parse(string text, string? contentType)
    {
        if (contentType is not null && contentType.Contains("cbor", StringComparison.OrdinalIgnoreCase))
            throw ApiException.UnsupportedMediaType($"the body of the request was in an unknown format ({contentType}) - the emulator accepts application/json and application/yaml");
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (contentType is not null && contentType.Contains("yaml", StringComparison.OrdinalIgnoreCase)) return ParseYaml(text);
        try { return JsonNode.Parse(text); }
        catch (JsonException e) { throw ApiException.BadRequest($"the request body is not valid JSON: {e.Message}"); }
    }

    public static async Task<JsonObject> ReadObject(HttpContext ctx)
    {
        var node = Parse(await ReadText(ctx), ctx.Request.ContentType);
        return node as JsonObject ?? throw ApiException.BadRequest("the request body must be a JSON object");
    }

    // An apply-patch body in YAML: the first document, with the apiserver's error for bad YAML.
    private static System.Text.Json.Nodes.JsonNode? ParseYaml(string text)
    {
        try
        {
            return Tandem.Api.Serialization.YamlJson.ParseAll(text).FirstOrDefault();
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw ApiException.BadRequest($"error converting YAML to JSON: {e.Message}");
        }
    }
}
