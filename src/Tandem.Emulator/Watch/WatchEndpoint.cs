using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Tandem.Emulator.Http;
using Tandem.Emulator.Storage;

namespace Tandem.Emulator.Watch;

/// <summary>
/// Streams a watch as newline-delimited `{"type","object"}` events: replay from resourceVersion (or the current state),
/// then live changes, BOOKMARKs when asked for, and an in-stream 410 Expired when the history is compacted.
/// </summary>
public sealed class WatchEndpoint(ObjectStore store, TableConverter tables, TimeSpan bookmarkInterval, RequestStats? stats = null)
{
    public async Task Serve(HttpContext ctx, ResourceType t, string? ns, string? name)
    {
        var filter = Filters.FromQuery(ctx, name, t);
        var fromRv = QueryOptions.ResourceVersion(ctx);
        var bookmarks = QueryOptions.Bool(ctx, "allowWatchBookmarks");
        var sendInitial = QueryOptions.Bool(ctx, "sendInitialEvents");
        var asTable = TableConverter.WantsTable(ctx);
        var timeout = QueryOptions.Long(ctx, "timeoutSeconds");

        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "application/json";
        ctx.Response.Headers.CacheControl = "no-cache, private";
        WatchSubscription sub;
        long startRevision;
        try
        {
            // sendInitialEvents=true replays the current state first, whatever resourceVersion says.
            sub = store.Watch(t.StorageKey, ns, filter, sendInitial ? null : fromRv, out startRevision);
        }
        catch (ApiException e) when (e.Code == 410)
        {
            await WriteEvent(ctx, "ERROR", e.ToStatus());
            return;
        }
        using var _ = sub;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted);
        using var timeoutTimer = timeout is > 0 ? store.Time.CreateTimer(_ => cts.Cancel(), null, TimeSpan.FromSeconds(timeout.Value), Timeout.InfiniteTimeSpan) : null;
        using var bookmarkTimer = bookmarks ? store.Time.CreateTimer(_ => store.RequestBookmark(sub), null, bookmarkInterval, bookmarkInterval) : null;
        if (sendInitial && bookmarks) store.RequestBookmark(sub, initialEventsEnd: true);
        await ctx.Response.StartAsync(ctx.RequestAborted);
        await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
        try
        {
            await foreach (var e in sub.Events.ReadAllAsync(cts.Token))
            {
                if (e.Type == WatchEvent.Bookmark)
                {
                    var meta = new JsonObject { ["resourceVersion"] = e.Revision.ToString(CultureInfo.InvariantCulture) };
                    if (e.InitialEventsEnd) meta["annotations"] = new JsonObject { ["k8s.io/initial-events-end"] = "true" };
                    await WriteEvent(ctx, e.Type, new JsonObject { ["kind"] = t.Kind, ["apiVersion"] = t.GroupVersion, ["metadata"] = meta });
                    continue;
                }
                JsonNode obj = asTable ? tables.ToTable(t, [e.Object], e.Revision, null, ctx)
                    : Responses.Present(t, e.Object);
                await WriteEvent(ctx, e.Type, obj);
                stats?.WatchEventSent();
            }
        }
        catch (OperationCanceledException) { }
    }

    private static readonly ReadOnlyMemory<byte> NewLine = "\n"u8.ToArray();

    private static async Task WriteEvent(HttpContext ctx, string type, JsonNode obj)
    {
        try
        {
            await using (var w = new Utf8JsonWriter(ctx.Response.Body))
            {
                w.WriteStartObject();
                w.WriteString("type", type);
                w.WritePropertyName("object");
                obj.WriteTo(w);
                w.WriteEndObject();
            }
            await ctx.Response.Body.WriteAsync(NewLine, ctx.RequestAborted);
            await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException) { }
    }
}
