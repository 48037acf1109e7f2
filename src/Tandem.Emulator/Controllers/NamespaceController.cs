using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Tandem.Emulator.Storage;
using Tandem.Emulator.Watch;

namespace Tandem.Emulator.Controllers;

/// <summary>
/// Namespace lifecycle: gives each new namespace its `default` ServiceAccount; a terminating namespace has every
/// object in it deleted, then its `kubernetes` finalizer removed so it goes.
/// </summary>
public sealed class NamespaceController(ObjectStore store, ResourceRegistry registry, ILogger<NamespaceController> logger)
    : StoreController(store, registry, logger)
{
    private static readonly ResourceType NamespaceType = BuiltinResources.All().First(t => t.Kind == "Namespace");
    private static readonly ResourceType ServiceAccountType = BuiltinResources.All().First(t => t.Kind == "ServiceAccount");

    protected override Task HandleAsync(WatchEvent e, JsonObject obj)
    {
        if (e.Type == StoredEvent.Added && JsonPaths.Str(obj, "kind") == "Namespace" && obj["metadata"]?["deletionTimestamp"] is null)
        {
            try { Store.Create(ServiceAccountType, Name(obj), new JsonObject { ["metadata"] = new JsonObject { ["name"] = "default" } }); }
            catch (ApiException ex) when (ex.Code is 409 or 403 or 404) { }
            return Task.CompletedTask;
        }
        // Re-check the terminating namespace whenever something in it goes away.
        var ns = JsonPaths.Str(obj, "kind") == "Namespace" ? Name(obj) : Namespace(obj);
        if (ns.Length == 0) return Task.CompletedTask;
        var nsObj = Store.Get(NamespaceType, "", ns);
        if (nsObj?["metadata"]?["deletionTimestamp"] is null) return Task.CompletedTask;
        Drain(ns);
        return Task.CompletedTask;
    }

    private void Drain(string ns)
    {
        var remaining = Store.Snapshot().Where(x => Namespace(x.Object) == ns && JsonPaths.Str(x.Object, "kind") != "Namespace").ToList();
        foreach (var (_, obj) in remaining)
        {
            if (obj["metadata"]?["deletionTimestamp"] is not null || TypeOf(obj) is not { } t) continue;
            try { Store.Delete(t, ns, Name(obj), new DeleteRequest("Background", Uid: Uid(obj))); }
            catch (ApiException ex) when (ex.Code is 404 or 409) { }
        }
        if (remaining.Count > 0) return;
        Store.Update(NamespaceType, "", ns, cur =>
        {
            if (cur is null) throw ApiException.NotFound(NamespaceType, ns);
            if (cur["spec"] is JsonObject spec) spec["finalizers"] = new JsonArray();
            return cur;
        }, subresource: "finalize");
        Logger.LogDebug("namespace {Namespace} emptied", ns);
    }
}
