using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Tandem.Emulator.Http;
using Tandem.Emulator.Storage;

namespace Tandem.Emulator.Faults;

/// <summary>
/// <c>/_emulator/faults</c> on the emulator's own (loopback) listener: lets a test or <c>tandem cluster faults</c> in
/// another process add and remove fault rules, drop every watch and compact the history. Never subject to faults.
/// </summary>
public sealed class FaultAdminEndpoint(EmulatorFaults faults)
{
    /// <summary>The path prefix the endpoint serves.</summary>
    public const string Prefix = "/_emulator/faults";

    /// <summary>True when the request is for this endpoint.</summary>
    public static bool Serves(PathString path) => path.StartsWithSegments(Prefix, StringComparison.Ordinal);

    public async Task Handle(HttpContext ctx)
    {
        var rest = ctx.Request.Path.Value![Prefix.Length..].Trim('/');
        var method = ctx.Request.Method;
        switch (rest)
        {
            case "" when HttpMethods.IsGet(method):
                await Responses.WriteJson(ctx, 200, State());
                return;
            case "" when HttpMethods.IsPost(method):
                JsonObject body;
                try
                {
                    body = await JsonNode.ParseAsync(ctx.Request.Body, cancellationToken: ctx.RequestAborted) as JsonObject ?? throw new ArgumentException("body: must be a JSON object");
                }
                catch (JsonException e)
                {
                    throw ApiException.BadRequest("body: not JSON: " + e.Message);
                }

                try
                {
                    await Responses.WriteJson(ctx, 201, faults.Add(FaultRule.FromJson(body)).ToJson());
                }
                catch (ArgumentException e)
                {
                    throw ApiException.BadRequest(e.Message);
                }

                return;
            case "" when HttpMethods.IsDelete(method):
                faults.Clear();
                await Responses.WriteJson(ctx, 200, State());
                return;
            case "drop-watches" when HttpMethods.IsPost(method):
                faults.DropWatches();
                await Responses.WriteJson(ctx, 200, State());
                return;
            case "compact" when HttpMethods.IsPost(method):
                faults.Compact();
                await Responses.WriteJson(ctx, 200, State());
                return;
        }

        if (HttpMethods.IsDelete(method) && int.TryParse(rest, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            if (!faults.Remove(id)) throw new ApiException(404, "NotFound", $"fault rule {id} not found");
            await Responses.WriteJson(ctx, 200, State());
            return;
        }

        throw new ApiException(404, "NotFound", $"{Prefix}: no {method} {ctx.Request.Path}; see docs/emulator.md (GET, POST and DELETE {Prefix}, DELETE {Prefix}/ID, POST {Prefix}/drop-watches, POST {Prefix}/compact)");
    }

    private JsonObject State()
    {
        var (dropped, compactions) = faults.Actions;
        return new JsonObject
        {
            ["latencyMilliseconds"] = faults.Latency.TotalMilliseconds,
            ["rules"] = new JsonArray([.. faults.Rules.Select(r => (JsonNode)r.ToJson())]),
            ["droppedWatches"] = dropped,
            ["compactions"] = compactions,
        };
    }
}
