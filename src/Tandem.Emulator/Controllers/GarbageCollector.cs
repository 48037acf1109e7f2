using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Tandem.Emulator.Storage;
using Tandem.Emulator.Watch;

namespace Tandem.Emulator.Controllers;

/// <summary>
/// Owner-reference garbage collection: background (dependents whose owners are all gone are deleted), foreground
/// (an owner with the foregroundDeletion finalizer waits until its dependents are gone) and orphan (the orphan
/// finalizer strips the owner reference from dependents); in foreground deletion only dependents with
/// blockOwnerDeletion=true hold the owner; a dependent whose owners are all gone when it is written is deleted too.
/// It scans the store on each change, which is fine at test scale.
/// </summary>
public sealed class GarbageCollector(ObjectStore store, ResourceRegistry registry, ILogger<GarbageCollector> logger)
    : StoreController(store, registry, logger)
{
    protected override Task HandleAsync(WatchEvent e, JsonObject obj)
    {
        var meta = obj["metadata"] as JsonObject;
        if (e.Type == StoredEvent.Deleted)
        {
            CollectDependentsOf(Uid(obj));
            // A dependent going away may unblock owners waiting in foreground deletion.
            foreach (var owner in OwnerUids(obj)) FinishForeground(owner);
            return Task.CompletedTask;
        }
        if (meta?["deletionTimestamp"] is null)
        {
            // A dependent written after all its owners were deleted (a controller acting on a stale cache) has only
            // dangling owner references: the real collector deletes it too.
            CollectIfOrphaned(obj);
            return Task.CompletedTask;
        }

        var finalizers = ObjectStore.Finalizers(meta);
        if (finalizers.Contains("orphan")) Orphan(obj);
        if (finalizers.Contains("foregroundDeletion")) Foreground(obj);
        return Task.CompletedTask;
    }

    private void CollectDependentsOf(string ownerUid)
    {
        var all = Store.Snapshot();
        var live = all.Select(x => Uid(x.Object)).ToHashSet();
        foreach (var (_, dep) in all)
        {
            var owners = OwnerUids(dep).ToList();
            if (!owners.Contains(ownerUid) || owners.Any(live.Contains)) continue;
            if (dep["metadata"]?["deletionTimestamp"] is not null) continue;
            Delete(dep, "Background");
        }
    }

    private void CollectIfOrphaned(JsonObject dependent)
    {
        var owners = OwnerUids(dependent).Where(u => u.Length > 0).ToList();
        if (owners.Count == 0)
        {
            return;
        }

        var live = Store.Snapshot().Select(x => Uid(x.Object)).ToHashSet();
        if (!owners.Any(live.Contains))
        {
            Delete(dependent, "Background");
        }
    }

    private void Foreground(JsonObject owner)
    {
        var uid = Uid(owner);
        var dependents = Store.Snapshot().Where(x => OwnerUids(x.Object).Contains(uid)).ToList();
        foreach (var (_, dep) in dependents)
            if (dep["metadata"]?["deletionTimestamp"] is null) Delete(dep, "Foreground");
        if (!dependents.Any(x => BlocksOwner(x.Object, uid))) RemoveFinalizer(owner, "foregroundDeletion");
    }

    private void FinishForeground(string ownerUid)
    {
        var owner = Store.Snapshot().Select(x => x.Object).FirstOrDefault(o => Uid(o) == ownerUid);
        if (owner?["metadata"]?["deletionTimestamp"] is null || !ObjectStore.Finalizers((JsonObject)owner["metadata"]!).Contains("foregroundDeletion")) return;
        if (Store.Snapshot().Any(x => BlocksOwner(x.Object, ownerUid))) return;
        RemoveFinalizer(owner, "foregroundDeletion");
    }

    /// <summary>Only dependents with blockOwnerDeletion=true hold an owner in foreground deletion.</summary>
    private static bool BlocksOwner(JsonObject dependent, string ownerUid) =>
        (dependent["metadata"]?["ownerReferences"] as JsonArray)?.Any(r => r?["uid"]?.GetValue<string>() == ownerUid && r["blockOwnerDeletion"]?.GetValue<bool>() == true) == true;

    private void Orphan(JsonObject owner)
    {
        var uid = Uid(owner);
        foreach (var (_, dep) in Store.Snapshot().Where(x => OwnerUids(x.Object).Contains(uid)))
        {
            if (TypeOf(dep) is not { } t) continue;
            Store.Update(t, Namespace(dep), Name(dep), cur =>
            {
                if (cur is null) throw ApiException.NotFound(t, Name(dep));
                var refs = (JsonArray)cur["metadata"]!["ownerReferences"]!;
                foreach (var r in refs.Where(r => r?["uid"]?.GetValue<string>() == uid).ToList()) refs.Remove(r);
                if (refs.Count == 0) ((JsonObject)cur["metadata"]!).Remove("ownerReferences");
                return cur;
            });
        }
        RemoveFinalizer(owner, "orphan");
    }

    private void RemoveFinalizer(JsonObject obj, string finalizer)
    {
        if (TypeOf(obj) is not { } t) return;
        Store.Update(t, Namespace(obj), Name(obj), cur =>
        {
            if (cur is null) throw ApiException.NotFound(t, Name(obj));
            if (cur["metadata"]?["finalizers"] is JsonArray f)
                foreach (var x in f.Where(x => x?.GetValue<string>() == finalizer).ToList()) f.Remove(x);
            return cur;
        });
        Logger.LogDebug("removed finalizer {Finalizer} from {Name}", finalizer, Name(obj));
    }

    private void Delete(JsonObject dep, string policy)
    {
        if (TypeOf(dep) is not { } t) return;
        Logger.LogDebug("collecting {Kind}/{Namespace}/{Name} ({Policy})", t.Kind, Namespace(dep), Name(dep), policy);
        try { Store.Delete(t, Namespace(dep), Name(dep), new DeleteRequest(policy, Uid: Uid(dep))); }
        catch (ApiException e) when (e.Code is 404 or 409) { }
    }

    private static IEnumerable<string> OwnerUids(JsonObject obj) =>
        (obj["metadata"]?["ownerReferences"] as JsonArray)?.Select(r => r?["uid"]?.GetValue<string>() ?? "") ?? [];
}
