using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Tandem.Emulator.Storage;
using Tandem.Emulator.Watch;

namespace Tandem.Emulator.Controllers;

/// <summary>
/// Base of the emulator's built-in controllers: one loop over every store change (from the current state on),
/// handled one at a time; a failure is logged and the loop goes on.
/// </summary>
public abstract class StoreController : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly WatchSubscription _subscription;
    private readonly Task _loop;

    protected StoreController(ObjectStore store, ResourceRegistry registry, ILogger logger)
    {
        Store = store;
        Registry = registry;
        Logger = logger;
        _subscription = store.Watch(null, null, _ => true, null, out _);
        _loop = Task.Run(RunAsync);
    }

    protected ObjectStore Store { get; }
    protected ResourceRegistry Registry { get; }
    protected ILogger Logger { get; }
    protected CancellationToken Stopping => _stop.Token;

    /// <summary>Handles one change; <paramref name="obj"/> is shared and must not be modified.</summary>
    protected abstract Task HandleAsync(WatchEvent e, JsonObject obj);

    private async Task RunAsync()
    {
        try
        {
            await foreach (var e in _subscription.Events.ReadAllAsync(_stop.Token))
            {
                try { await HandleAsync(e, e.Object); }
                catch (ApiException ex) when (ex.Code is 404 or 409) { Logger.LogDebug("{Controller}: {Message}", GetType().Name, ex.Message); }
                catch (Exception ex) when (ex is not OperationCanceledException) { Logger.LogWarning(ex, "{Controller} failed on a change", GetType().Name); }
            }
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>The served type for a stored object (by apiVersion and kind).</summary>
    protected ResourceType? TypeOf(JsonObject obj) =>
        Registry.FindKind(JsonPaths.Str(obj, "apiVersion") ?? "", JsonPaths.Str(obj, "kind") ?? "");

    protected static string Name(JsonObject obj) => JsonPaths.Str(obj["metadata"] as JsonObject, "name") ?? "";
    protected static string Namespace(JsonObject obj) => JsonPaths.Str(obj["metadata"] as JsonObject, "namespace") ?? "";
    protected static string Uid(JsonObject obj) => JsonPaths.Str(obj["metadata"] as JsonObject, "uid") ?? "";

    public virtual async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _subscription.Dispose();
        try { await _loop; } catch (OperationCanceledException) { }
        _stop.Dispose();
        GC.SuppressFinalize(this);
    }
}
