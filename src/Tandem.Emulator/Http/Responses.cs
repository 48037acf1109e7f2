using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Tandem.Emulator.Storage;

namespace Tandem.Emulator.Http;

/// <summary>Writes JSON bodies, `Status` failures and list documents.</summary>
public static class Responses
{
    public static async Task WriteJson(HttpContext ctx, int code, JsonNode body)
    {
        ctx.Response.StatusCode = code;
        ctx.Response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(ctx.Response.Body);
        body.WriteTo(writer);
        await writer.FlushAsync(ctx.RequestAborted);
    }

    public static Task WriteError(HttpContext ctx, ApiException e) => WriteJson(ctx, e.Code, e.ToStatus());

    public static JsonObject Success(ResourceType t, JsonObject obj) => new()
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Success",
        ["details"] = new JsonObject
        {
            ["name"] = JsonPaths.Str(obj["metadata"] as JsonObject, "name"),
            ["group"] = t.Group,
            ["kind"] = t.Plural,
            ["uid"] = JsonPaths.Str(obj["metadata"] as JsonObject, "uid"),
        },
    };

    /// <summary>Writes `{kind: XList, metadata, items}` straight from shared stored objects, without copying them.</summary>
    public static async Task WriteList(HttpContext ctx, ResourceType t, ListPage page)
    {
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "application/json";
        await using var w = new Utf8JsonWriter(ctx.Response.Body);
        w.WriteStartObject();
        w.WriteString("kind", t.Kind + "List");
        w.WriteString("apiVersion", t.GroupVersion);
        w.WriteStartObject("metadata");
        w.WriteString("resourceVersion", page.Revision.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (page.Continue is not null) w.WriteString("continue", page.Continue);
        if (page.RemainingItemCount is { } n) w.WriteNumber("remainingItemCount", n);
        w.WriteEndObject();
        w.WritePropertyName("items");
        w.WriteStartArray();
        foreach (var item in page.Items) Present(t, item).WriteTo(w);
        w.WriteEndArray();
        w.WriteEndObject();
        await w.FlushAsync(ctx.RequestAborted);
    }

    /// <summary>A stored object as the client asked for it: converted (events.k8s.io) or under the requested version.</summary>
    public static JsonObject Present(ResourceType t, JsonObject stored) =>
        t.FromStorage is { } convert ? convert(stored)
        : JsonPaths.Str(stored, "apiVersion") == t.GroupVersion ? stored : WithApiVersion(stored, t.GroupVersion);

    /// <summary>Versions of one resource share storage; the emulator serves the stored JSON under the requested version.</summary>
    public static JsonObject WithApiVersion(JsonObject obj, string apiVersion)
    {
        var copy = obj.DeepClone().AsObject();
        copy["apiVersion"] = apiVersion;
        return copy;
    }
}
