using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tandem.Emulator.Watch;

namespace Tandem.Emulator.Storage;

/// <summary>
/// The emulator's etcd: every object as JSON keyed by group-resource, namespace and name, one global
/// monotonically increasing resourceVersion, a bounded change history for watch resume, and compaction (410 Gone).
/// One lock guards everything; stored objects are never mutated after commit, so they can be shared with readers.
/// </summary>
public sealed class ObjectStore
{
    private readonly object _gate = new();
    private readonly Dictionary<string, SortedDictionary<string, JsonObject>> _data = [];
    private readonly List<StoredEvent> _history = [];
    private readonly List<WatchSubscription> _watchers = [];
    private readonly TimeProvider _time;
    private readonly int _maxHistory;
    private readonly List<IStoreHook> _hooks = [];
    private long _revision = 1;
    private long _compactedRevision;

    public ObjectStore(TimeProvider time, int maxHistory = 50_000)
    {
        _time = time;
        _maxHistory = maxHistory;
    }

    public TimeProvider Time => _time;

    public long Revision { get { lock (_gate) return _revision; } }

    /// <summary>The oldest resourceVersion a watch may resume from; older ones get 410 Gone.</summary>
    public long CompactedRevision { get { lock (_gate) return _compactedRevision; } }

    public void AddHook(IStoreHook hook) { lock (_gate) _hooks.Add(hook); }

    /// <summary>Forgets all history: watches and continue tokens older than now get 410 Gone.</summary>
    public void Compact()
    {
        lock (_gate)
        {
            _history.Clear();
            _compactedRevision = _revision;
        }
    }

    public string Now() => FormatTime(_time.GetUtcNow());

    public static string FormatTime(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>A private copy of the stored object, or null.</summary>
    public JsonObject? Get(ResourceType t, string ns, string name)
    {
        lock (_gate) return Bucket(t).GetValueOrDefault(Key(ns, name))?.DeepClone().AsObject();
    }

    /// <summary>Shared (read-only) stored objects matching the filter, in key order, with paging.</summary>
    public ListPage List(ResourceType t, string? ns, Func<JsonObject, bool> filter, long limit = 0, string? continueToken = null)
    {
        lock (_gate)
        {
            long rv = _revision;
            string? start = null;
            if (!string.IsNullOrEmpty(continueToken))
            {
                (rv, start) = DecodeContinue(continueToken);
                if (rv < _compactedRevision)
                    throw ApiException.Gone("The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results.");
            }
            var items = new List<JsonObject>();
            string? next = null;
            long remaining = 0;
            foreach (var (key, obj) in Bucket(t))
            {
                if (start is not null && string.CompareOrdinal(key, start) <= 0) continue;
                if (ns is not null && (JsonPaths.Str(obj["metadata"] as JsonObject, "namespace") ?? "") != ns) continue;
                if (!filter(obj)) continue;
                if (limit > 0 && items.Count == limit) { remaining++; continue; }
                items.Add(obj);
                if (limit > 0 && items.Count == limit) next = key;
            }
            string? token = remaining > 0 && next is not null ? EncodeContinue(rv, next) : null;
            return new ListPage(items, rv, token, token is null ? null : remaining);
        }
    }

    /// <summary>Every stored object of every resource (for the garbage collector and namespace cleanup).</summary>
    public IReadOnlyList<(string StorageKey, JsonObject Object)> Snapshot()
    {
        lock (_gate) return [.. _data.SelectMany(b => b.Value.Values.Select(o => (b.Key, o)))];
    }

    public JsonObject Create(ResourceType t, string ns, JsonObject obj, bool dryRun = false)
    {
        lock (_gate)
        {
            var meta = JsonPaths.Metadata(obj);
            var name = JsonPaths.Str(meta, "name");
            if (string.IsNullOrEmpty(name))
            {
                var prefix = JsonPaths.Str(meta, "generateName");
                if (string.IsNullOrEmpty(prefix))
                    throw ApiException.Invalid(t, "", [("metadata.name", "FieldValueRequired", "Required value: name or generateName is required")]);
                do name = ObjectNames.Generate(prefix); while (Bucket(t).ContainsKey(Key(ns, name)));
                meta["name"] = name;
            }
            if (ObjectNames.Validate(t, name) is { } nameError)
                throw ApiException.Invalid(t, name, [("metadata.name", "FieldValueInvalid", $"Invalid value: \"{name}\": {nameError}")]);
            if (t.Namespaced) CheckNamespaceAcceptsContent(ns);
            if (Bucket(t).ContainsKey(Key(ns, name))) throw ApiException.AlreadyExists(t, name);

            obj["apiVersion"] = t.GroupVersion;
            obj["kind"] = t.Kind;
            if (t.Namespaced) meta["namespace"] = ns; else meta.Remove("namespace");
            meta["uid"] = Guid.NewGuid().ToString();
            meta["creationTimestamp"] = Now();
            meta["generation"] = 1;
            meta.Remove("deletionTimestamp");
            meta.Remove("deletionGracePeriodSeconds");
            meta.Remove("resourceVersion");
            var ctx = new WriteContext(t, WriteOperation.Create, null, obj, "", dryRun);
            foreach (var h in _hooks) h.BeforeWrite(ctx);
            obj = ctx.Object;
            if (dryRun) return obj;
            JsonPaths.Metadata(obj)["resourceVersion"] = Next();
            return Commit(t, ns, name, null, obj, StoredEvent.Added).DeepClone().AsObject();
        }
    }

    /// <summary>
    /// Read-modify-write under the lock. <paramref name="mutate"/> gets a private copy of the current object (null if
    /// absent) and returns the desired object; a non-empty metadata.resourceVersion in it must match (else 409).
    /// </summary>
    public WriteResult Update(ResourceType t, string ns, string name, Func<JsonObject?, JsonObject> mutate, string subresource = "", bool dryRun = false)
    {
        lock (_gate)
        {
            var current = Bucket(t).GetValueOrDefault(Key(ns, name));
            var next = mutate(current?.DeepClone().AsObject());
            if (current is null)
            {
                var created = Create(t, ns, next, dryRun);
                return new WriteResult(created, Created: true, Deleted: false);
            }
            var meta = JsonPaths.Metadata(next);
            var oldMeta = (JsonObject)current["metadata"]!;
            var rv = JsonPaths.Str(meta, "resourceVersion");
            if (!string.IsNullOrEmpty(rv) && rv != JsonPaths.Str(oldMeta, "resourceVersion")) throw ApiException.Conflict(t, name);
            var uid = JsonPaths.Str(meta, "uid");
            if (!string.IsNullOrEmpty(uid) && uid != JsonPaths.Str(oldMeta, "uid"))
                throw ApiException.Conflict(t, name, $"Precondition failed: UID in precondition: {uid}, UID in object meta: {JsonPaths.Str(oldMeta, "uid")}");
            if (JsonPaths.Str(meta, "name") is { } newName && newName != name)
                throw ApiException.BadRequest($"the name of the object ({newName}) does not match the name on the URL ({name})");

            if (t.HasStatus && subresource == "status")
            {
                // PUT/PATCH on /status changes status only.
                var onlyStatus = current.DeepClone().AsObject();
                onlyStatus["status"] = next["status"]?.DeepClone();
                CopyIfPresent(meta, JsonPaths.Metadata(onlyStatus), "managedFields");
                next = onlyStatus;
                meta = JsonPaths.Metadata(next);
            }
            else if (t.HasStatus)
            {
                // The main endpoint ignores status when the resource has a status subresource.
                if (current["status"] is { } oldStatus) next["status"] = oldStatus.DeepClone(); else next.Remove("status");
            }
            next["apiVersion"] = current["apiVersion"]!.DeepClone();
            next["kind"] = t.Kind;
            foreach (var keep in new[] { "uid", "creationTimestamp", "namespace", "name", "deletionTimestamp", "deletionGracePeriodSeconds", "generation", "resourceVersion" })
                if (oldMeta[keep] is { } v) meta[keep] = v.DeepClone(); else meta.Remove(keep);

            if (oldMeta["deletionTimestamp"] is not null)
            {
                var oldFinalizers = Finalizers(oldMeta);
                var added = Finalizers(meta).Except(oldFinalizers).ToList();
                if (added.Count > 0)
                    throw ApiException.Invalid(t, name, [("metadata.finalizers", "FieldValueForbidden", $"Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers {JsonSerializer.Serialize(added)}")]);
            }

            var ctx = new WriteContext(t, WriteOperation.Update, current, next, subresource, dryRun);
            foreach (var h in _hooks) h.BeforeWrite(ctx);
            next = ctx.Object;
            meta = JsonPaths.Metadata(next);

            if (JsonNode.DeepEquals(WithoutVolatile(current), WithoutVolatile(next))) return new WriteResult(current.DeepClone().AsObject(), false, false);
            if (!JsonNode.DeepEquals(SpecPart(current), SpecPart(next)))
                meta["generation"] = JsonPaths.Long(oldMeta["generation"]) + 1;
            if (dryRun) return new WriteResult(next, false, false);

            meta["resourceVersion"] = Next();
            if (meta["deletionTimestamp"] is not null && Finalizers(meta).Count == 0 && !IsGracefulPodPending(t, next) && !HasNamespaceFinalizers(t, next))
            {
                Remove(t, ns, name, current, next);
                return new WriteResult(next.DeepClone().AsObject(), false, Deleted: true);
            }
            return new WriteResult(Commit(t, ns, name, current, next, StoredEvent.Modified).DeepClone().AsObject(), false, false);
        }
    }

    /// <summary>
    /// Deletes an object: at once when it has no finalizers (and, for a pod on a node, no grace period left),
    /// otherwise marks it with deletionTimestamp and lets finalizers (or the kubelet) finish.
    /// </summary>
    public WriteResult Delete(ResourceType t, string ns, string name, DeleteRequest request)
    {
        lock (_gate)
        {
            var current = Bucket(t).GetValueOrDefault(Key(ns, name)) ?? throw ApiException.NotFound(t, name);
            var oldMeta = (JsonObject)current["metadata"]!;
            if (request.Uid is not null && request.Uid != JsonPaths.Str(oldMeta, "uid"))
                throw ApiException.Conflict(t, name, $"Precondition failed: UID in precondition: {request.Uid}, UID in object meta: {JsonPaths.Str(oldMeta, "uid")}");
            if (request.ResourceVersion is not null && request.ResourceVersion != JsonPaths.Str(oldMeta, "resourceVersion"))
                throw ApiException.Conflict(t, name, $"Precondition failed: ResourceVersion in precondition: {request.ResourceVersion}, ResourceVersion in object meta: {JsonPaths.Str(oldMeta, "resourceVersion")}");

            var next = current.DeepClone().AsObject();
            var meta = JsonPaths.Metadata(next);
            var finalizers = Finalizers(meta);
            var policy = request.PropagationPolicy ?? DefaultPropagation(t);
            if (policy == "Orphan" && !finalizers.Contains("orphan")) finalizers.Add("orphan");
            if (policy == "Foreground" && !finalizers.Contains("foregroundDeletion")) finalizers.Add("foregroundDeletion");
            if (HasNamespaceFinalizers(t, next))
            {
                // Namespaces are emptied by the namespace controller before they go.
                next["status"] = new JsonObject { ["phase"] = "Terminating" };
            }

            long grace = 0;
            if (t.Kind == "Pod" && t.Group == "" && JsonPaths.GetString(next, ".spec.nodeName") is { Length: > 0 })
                grace = request.GracePeriodSeconds ?? JsonPaths.LongOrNull(JsonPaths.Get(next, ".spec.terminationGracePeriodSeconds")) ?? 30;

            bool pending = finalizers.Count > 0 || grace > 0 || HasNamespaceFinalizers(t, next);
            if (!pending)
            {
                if (request.DryRun) return new WriteResult(next, false, true);
                meta["resourceVersion"] = Next();
                Remove(t, ns, name, current, next);
                return new WriteResult(next.DeepClone().AsObject(), false, Deleted: true);
            }
            if (oldMeta["deletionTimestamp"] is not null && grace == 0 && finalizers.SequenceEqual(Finalizers(oldMeta)))
                return new WriteResult(current.DeepClone().AsObject(), false, false);
            meta["finalizers"] = new JsonArray([.. finalizers.Select(f => (JsonNode?)JsonValue.Create(f))]);
            if (finalizers.Count == 0) meta.Remove("finalizers");
            if (oldMeta["deletionTimestamp"] is null)
            {
                meta["deletionTimestamp"] = FormatTime(_time.GetUtcNow().AddSeconds(grace));
                meta["deletionGracePeriodSeconds"] = grace;
                meta["generation"] = JsonPaths.Long(oldMeta["generation"]) + 1;
            }
            else if (grace < (JsonPaths.LongOrNull(oldMeta["deletionGracePeriodSeconds"]) ?? long.MaxValue))
            {
                // A second delete may only shorten the grace period.
                meta["deletionTimestamp"] = FormatTime(_time.GetUtcNow().AddSeconds(grace));
                meta["deletionGracePeriodSeconds"] = grace;
            }
            if (request.DryRun) return new WriteResult(next, false, false);
            meta["resourceVersion"] = Next();
            return new WriteResult(Commit(t, ns, name, current, next, StoredEvent.Modified).DeepClone().AsObject(), false, false);
        }
    }

    /// <summary>Removes a terminating object whose grace period ended (the kubelet's final delete).</summary>
    public bool ForceRemove(ResourceType t, string ns, string name, string uid)
    {
        lock (_gate)
        {
            var current = Bucket(t).GetValueOrDefault(Key(ns, name));
            if (current is null || JsonPaths.Str(current["metadata"] as JsonObject, "uid") != uid) return false;
            var next = current.DeepClone().AsObject();
            if (Finalizers(JsonPaths.Metadata(next)).Count > 0)
            {
                // Finalizers still hold it: only the grace period ends.
                JsonPaths.Metadata(next)["deletionGracePeriodSeconds"] = 0;
                JsonPaths.Metadata(next)["resourceVersion"] = Next();
                Commit(t, ns, name, current, next, StoredEvent.Modified);
                return false;
            }
            JsonPaths.Metadata(next)["resourceVersion"] = Next();
            Remove(t, ns, name, current, next);
            return true;
        }
    }

    /// <summary>
    /// Registers a watcher. With <paramref name="fromRevision"/> null the current matching objects arrive first as
    /// ADDED; otherwise history after that revision is replayed (410 Gone when it is compacted away).
    /// </summary>
    public WatchSubscription Watch(string? storageKey, string? ns, Func<JsonObject, bool> filter, long? fromRevision, out long startRevision)
    {
        lock (_gate)
        {
            if (fromRevision is { } from && from < _compactedRevision)
                throw ApiException.Gone($"too old resource version: {from} ({_compactedRevision})");
            var sub = new WatchSubscription(storageKey, ns, filter, s => { lock (_gate) _watchers.Remove(s); });
            startRevision = _revision;
            if (fromRevision is { } r)
            {
                foreach (var e in _history)
                    if (e.Revision > r) sub.Offer(e);
            }
            else
            {
                foreach (var (key, bucket) in _data)
                {
                    if (storageKey is not null && key != storageKey) continue;
                    foreach (var obj in bucket.Values)
                    {
                        if (ns is not null && (JsonPaths.Str(obj["metadata"] as JsonObject, "namespace") ?? "") != ns) continue;
                        if (filter(obj)) sub.Send(new WatchEvent(StoredEvent.Added, obj, _revision));
                    }
                }
            }
            _watchers.Add(sub);
            return sub;
        }
    }

    /// <summary>Queues a BOOKMARK at the current revision behind every event already queued for <paramref name="sub"/>.</summary>
    public void RequestBookmark(WatchSubscription sub, bool initialEventsEnd = false)
    {
        lock (_gate) sub.Send(new WatchEvent(WatchEvent.Bookmark, new JsonObject(), _revision, initialEventsEnd));
    }

    /// <summary>Closes every open watch stream (fault injection).</summary>
    public void DropWatches()
    {
        List<WatchSubscription> all;
        lock (_gate) all = [.. _watchers];
        foreach (var w in all) w.Drop();
    }

    private static string DefaultPropagation(ResourceType t) => "Background";

    private static bool HasNamespaceFinalizers(ResourceType t, JsonObject obj) =>
        t.Kind == "Namespace" && t.Group == "" && obj["spec"]?["finalizers"] is JsonArray { Count: > 0 };

    private static bool IsGracefulPodPending(ResourceType t, JsonObject obj) =>
        t.Kind == "Pod" && t.Group == "" && JsonPaths.Long(obj["metadata"]?["deletionGracePeriodSeconds"]) > 0;

    private void CheckNamespaceAcceptsContent(string ns)
    {
        var nsType = new ResourceType("", "v1", "namespaces", "namespace", "Namespace", false);
        var nsObj = Bucket(nsType).GetValueOrDefault(Key("", ns));
        if (nsObj is null) throw ApiException.NotFound(nsType, ns);
        if (nsObj["metadata"]?["deletionTimestamp"] is not null)
            throw new ApiException(403, "Forbidden", $"unable to create new content in namespace {ns} because it is being terminated",
                new JsonObject { ["name"] = ns, ["kind"] = "namespaces" });
    }

    private JsonObject Commit(ResourceType t, string ns, string name, JsonObject? old, JsonObject obj, string type)
    {
        obj = Normalize(obj);
        Bucket(t)[Key(ns, name)] = obj;
        Publish(new StoredEvent(type, t.StorageKey, ns, ParseRv(obj), obj, old));
        foreach (var h in _hooks) h.AfterCommit(t, old, obj);
        return obj;
    }

    private void Remove(ResourceType t, string ns, string name, JsonObject old, JsonObject final)
    {
        final = Normalize(final);
        Bucket(t).Remove(Key(ns, name));
        Publish(new StoredEvent(StoredEvent.Deleted, t.StorageKey, ns, ParseRv(final), final, old));
        foreach (var h in _hooks) h.AfterCommit(t, old, null);
    }

    private void Publish(StoredEvent e)
    {
        _history.Add(e);
        if (_history.Count > _maxHistory)
        {
            // Bounded history, like etcd compaction: resuming from before the cut gets 410 Gone.
            int drop = _history.Count / 2;
            _compactedRevision = _history[drop - 1].Revision;
            _history.RemoveRange(0, drop);
        }
        foreach (var w in _watchers) w.Offer(e);
    }

    private string Next() => (++_revision).ToString(CultureInfo.InvariantCulture);

    private static long ParseRv(JsonObject obj) => long.Parse(JsonPaths.Str(obj["metadata"] as JsonObject, "resourceVersion")!, CultureInfo.InvariantCulture);

    private SortedDictionary<string, JsonObject> Bucket(ResourceType t)
    {
        if (!_data.TryGetValue(t.StorageKey, out var b)) _data[t.StorageKey] = b = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
        return b;
    }

    private static string Key(string ns, string name) => $"{ns}/{name}";

    internal static List<string> Finalizers(JsonObject meta) =>
        (meta["finalizers"] as JsonArray)?.Select(f => f?.GetValue<string>() ?? "").ToList() ?? [];

    private static void CopyIfPresent(JsonObject from, JsonObject to, string key)
    {
        if (from[key] is { } v) to[key] = v.DeepClone();
    }

    private static JsonObject SpecPart(JsonObject obj)
    {
        var o = new JsonObject();
        foreach (var (k, v) in obj)
            if (k is not ("metadata" or "status" or "apiVersion" or "kind")) o[k] = v?.DeepClone();
        return o;
    }

    private static JsonObject WithoutVolatile(JsonObject obj)
    {
        var o = obj.DeepClone().AsObject();
        var m = JsonPaths.Metadata(o);
        m.Remove("resourceVersion");
        m.Remove("generation");
        if (m["managedFields"] is JsonArray mf)
            foreach (var entry in mf.OfType<JsonObject>()) entry.Remove("time");
        return o;
    }

    /// <summary>Re-parses an object so every value is JSON-backed (uniform number access) and fully built.</summary>
    private static JsonObject Normalize(JsonObject obj)
    {
        var parsed = JsonNode.Parse(obj.ToJsonString())!.AsObject();
        Materialize(parsed);
        return parsed;
    }

    /// <summary>Forces lazily parsed nodes to build their children now, so concurrent readers never race on it.</summary>
    private static void Materialize(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o: foreach (var (_, v) in o) Materialize(v); break;
            case JsonArray a: foreach (var v in a) Materialize(v); break;
        }
    }

    private static string EncodeContinue(long rv, string key) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new[] { rv.ToString(CultureInfo.InvariantCulture), key })));

    private static (long, string) DecodeContinue(string token)
    {
        try
        {
            var parts = JsonSerializer.Deserialize<string[]>(Encoding.UTF8.GetString(Convert.FromBase64String(token)))!;
            return (long.Parse(parts[0], CultureInfo.InvariantCulture), parts[1]);
        }
        catch (Exception e) when (e is FormatException or JsonException or IndexOutOfRangeException or ArgumentNullException or NullReferenceException)
        {
            throw ApiException.BadRequest("continue: invalid value: the continue token is not valid");
        }
    }
}

/// <summary>One page of a list: shared read-only items, the list's resourceVersion and the continue token.</summary>
public sealed record ListPage(IReadOnlyList<JsonObject> Items, long Revision, string? Continue, long? RemainingItemCount);

/// <summary>The outcome of a write: the object as stored (a private copy) and whether it was created or deleted.</summary>
public sealed record WriteResult(JsonObject Object, bool Created, bool Deleted);

/// <summary>DeleteOptions as the store needs them.</summary>
public sealed record DeleteRequest(string? PropagationPolicy = null, long? GracePeriodSeconds = null, string? Uid = null, string? ResourceVersion = null, bool DryRun = false);
