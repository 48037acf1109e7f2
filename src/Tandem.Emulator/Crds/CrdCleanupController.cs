using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Tandem.Emulator.Controllers;
using Tandem.Emulator.Storage;
using Tandem.Emulator.Watch;

namespace Tandem.Emulator.Crds;

/// <summary>
/// A deleted CRD takes its custom resources with it: they are deleted, and once none is left the CRD's cleanup
/// finalizer is removed, the CRD goes and its API disappears from discovery.
/// </summary>
public sealed class CrdCleanupController(ObjectStore store, ResourceRegistry registry, ILogger<CrdCleanupController> logger)
    : StoreController(store, registry, logger)
{
    private static readonly ResourceType CrdType = BuiltinResources.All().First(t => t.Kind == "CustomResourceDefinition");

    protected override Task HandleAsync(WatchEvent e, JsonObject obj)
    {
        if (JsonPaths.Str(obj, "kind") == "CustomResourceDefinition")
        {
            if (e.Type != StoredEvent.Deleted && obj["metadata"]?["deletionTimestamp"] is not null) Cleanup(obj);
            return Task.CompletedTask;
        }
        if (e.Type != StoredEvent.Deleted || TypeOf(obj) is not { IsCustom: true } t) return Task.CompletedTask;
        var crd = Store.Get(CrdType, "", $"{t.Plural}.{t.Group}");
        if (crd?["metadata"]?["deletionTimestamp"] is not null) Cleanup(crd);
        return Task.CompletedTask;
    }

    private void Cleanup(JsonObject crd)
    {
        var spec = (JsonObject)crd["spec"]!;
        var storageKey = $"{JsonPaths.Str(spec, "group")}/{JsonPaths.Str(spec["names"] as JsonObject, "plural")}";
        var remaining = Store.Snapshot().Where(x => x.StorageKey == storageKey).Select(x => x.Object).ToList();
        var type = Registry.ByStorageKey(storageKey).FirstOrDefault();
        if (type is not null)
            foreach (var cr in remaining.Where(cr => cr["metadata"]?["deletionTimestamp"] is null))
            {
                try { Store.Delete(type, Namespace(cr), Name(cr), new DeleteRequest("Background", Uid: Uid(cr))); }
                catch (ApiException ex) when (ex.Code is 404 or 409) { }
            }
        if (Store.Snapshot().Any(x => x.StorageKey == storageKey)) return;
        Store.Update(CrdType, "", Name(crd), cur =>
        {
            if (cur is null) throw ApiException.NotFound(CrdType, Name(crd));
            if (cur["metadata"]?["finalizers"] is JsonArray f)
                foreach (var x in f.Where(x => x?.GetValue<string>() == CrdRegistrar.CleanupFinalizer).ToList()) f.Remove(x);
            return cur;
        });
        Logger.LogDebug("CRD {Name} cleaned up", Name(crd));
    }
}
