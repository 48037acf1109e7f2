using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Tandem.Emulator.Patching;
using Tandem.Emulator.Storage;

namespace Tandem.Emulator.Http;

/// <summary>Reads a request body as JSON (or YAML) and names the patch type from Content-Type.</summary>
public static class RequestBody
{
    public static async Task<string> ReadText(HttpContext ctx)
    {
        using var reader = new StreamReader(ctx.Request.Body);
        return await reader.ReadToEndAsync(ctx.RequestAborted);
    }

    public static JsonNode? Parse(string text, string? contentType)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (contentType is not null && contentType.Contains("yaml", StringComparison.OrdinalIgnoreCase)) return YamlJson.Parse(text);
        try { return JsonNode.Parse(text); }
        catch (JsonException e) { throw ApiException.BadRequest($"the request body is not valid JSON: {e.Message}"); }
    }

    public static async Task<JsonObject> ReadObject(HttpContext ctx)
    {
        var node = Parse(await ReadText(ctx), ctx.Request.ContentType);
        return node as JsonObject ?? throw ApiException.BadRequest("the request body must be a JSON object");
    }
}
