using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Tandem.Emulator.Storage;

namespace Tandem.Emulator.Http;

/// <summary>Reads DeleteOptions from the body and the query (propagationPolicy, gracePeriodSeconds, preconditions, dryRun).</summary>
public static class DeleteOptions
{
    private static readonly HashSet<string> Policies = ["Orphan", "Background", "Foreground"];

    public static async Task<DeleteRequest> Read(HttpContext ctx)
    {
        JsonObject? body = null;
        if (ctx.Request.ContentLength is > 0 || ctx.Request.Headers.TransferEncoding.Count > 0)
            body = RequestBody.Parse(await RequestBody.ReadText(ctx), ctx.Request.ContentType) as JsonObject;
        var policy = JsonPaths.Str(body, "propagationPolicy") ?? QueryOptions.Str(ctx, "propagationPolicy");
        if (body?["orphanDependents"] is JsonValue od && od.GetValue<bool>()) policy ??= "Orphan";
        if (policy is not null && !Policies.Contains(policy))
            throw ApiException.BadRequest($"propagationPolicy: Unsupported value: \"{policy}\": supported values: \"Foreground\", \"Background\", \"Orphan\"");
        long? grace = body?["gracePeriodSeconds"] is JsonValue g ? g.GetValue<long>() : QueryOptions.Long(ctx, "gracePeriodSeconds");
        if (grace < 0) grace = 0;
        var pre = body?["preconditions"] as JsonObject;
        bool dryRun = QueryOptions.DryRun(ctx) || (body?["dryRun"] as JsonArray)?.Any(v => v?.GetValue<string>() == "All") == true;
        return new DeleteRequest(policy, grace, JsonPaths.Str(pre, "uid"), JsonPaths.Str(pre, "resourceVersion"), dryRun);
    }
}
