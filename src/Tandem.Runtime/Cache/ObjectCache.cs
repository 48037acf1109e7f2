using k8s;
using k8s.Models;

namespace Tandem.Runtime.Cache;

/// <summary>
/// The in-memory store behind an informer: objects by namespace/name with namespace, owner-UID and label indexes.
/// The informer writes it; controllers read it through <see cref="ICache{T}"/>.
/// </summary>
public sealed class ObjectCache<T> : ICache<T> where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly object _gate = new();
    private readonly Dictionary<string, T> _items = new(StringComparer.Ordinal);
    private readonly Index _byNamespace = new();
    private readonly Index _byOwner = new();
    private readonly Index _byLabel = new();
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool HasSynced => _synced.Task.IsCompleted;

    public int Count { get { lock (_gate) return _items.Count; } }

    public Task WaitForSyncAsync(CancellationToken cancellationToken) => _synced.Task.WaitAsync(cancellationToken);

    /// <summary>Called by the informer once every watched namespace has been listed.</summary>
    public void MarkSynced() => _synced.TrySetResult();

    public T? Get(string? ns, string name)
    {
        lock (_gate) return _items.GetValueOrDefault(Key(ns, name));
    }

    public IReadOnlyList<T> List(string? ns = null, string? labelSelector = null)
    {
        var selector = LabelSelector.Parse(labelSelector);
        // Narrow by the smallest exact index at hand (the rarest label=value, else the namespace), then filter.
        var exact = selector.Requirements.Where(r => r.Op == LabelSelector.Operator.In && r.Values.Count == 1).Select(r => r.Key + "=" + r.Values.First()).ToArray();
        lock (_gate)
        {
            IEnumerable<string> keys = exact.Length > 0
                ? exact.Select(_byLabel.Get).MinBy(set => set.Count)!
                : ns is not null ? _byNamespace.Get(ns) : _items.Keys;
            var result = new List<T>();
            foreach (var key in keys)
            {
                var item = _items[key];
                if (ns is not null && (item.Metadata.NamespaceProperty ?? string.Empty) != ns) continue;
                if (selector.Matches(item.Metadata.Labels)) result.Add(item);
            }

            return result;
        }
    }

    public IReadOnlyList<T> ListByOwner(string ownerUid)
    {
        lock (_gate) return _byOwner.Get(ownerUid).Select(k => _items[k]).ToList();
    }

    /// <summary>Stores <paramref name="item"/>; returns the object it replaced, if any.</summary>
    public T? Upsert(T item)
    {
        var key = Key(item);
        lock (_gate)
        {
            var old = RemoveLocked(key);
            _items[key] = item;
            _byNamespace.Add(item.Metadata.NamespaceProperty ?? string.Empty, key);
            foreach (var owner in item.Metadata.OwnerReferences ?? []) _byOwner.Add(owner.Uid, key);
            foreach (var (k, v) in item.Metadata.Labels ?? new Dictionary<string, string>()) _byLabel.Add(k + "=" + v, key);
            return old;
        }
    }

    /// <summary>Removes the object; returns what was stored, if anything.</summary>
    public T? Remove(string? ns, string name)
    {
        lock (_gate) return RemoveLocked(Key(ns, name));
    }

    /// <summary>
    /// Removes every object in scope (one namespace, or everything when <paramref name="ns"/> is null) that is not in a
    /// fresh list, as after a relist; returns the removed objects. The caller then upserts the fresh items.
    /// </summary>
    public IReadOnlyList<T> RemoveMissing(string? ns, IReadOnlyList<T> items)
    {
        var fresh = items.Select(Key).ToHashSet(StringComparer.Ordinal);
        var gone = new List<T>();
        lock (_gate)
        {
            var inScope = ns is null ? _items.Keys.ToList() : _byNamespace.Get(ns).ToList();
            foreach (var key in inScope)
            {
                if (!fresh.Contains(key) && RemoveLocked(key) is { } old) gone.Add(old);
            }
        }

        return gone;
    }

    /// <summary>A snapshot of every cached object (for resync).</summary>
    public IReadOnlyList<T> Snapshot()
    {
        lock (_gate) return _items.Values.ToList();
    }

    public static string Key(T item) => Key(item.Metadata.NamespaceProperty, item.Metadata.Name);

    public static string Key(string? ns, string name) => string.IsNullOrEmpty(ns) ? name : ns + "/" + name;

    private T? RemoveLocked(string key)
    {
        if (!_items.Remove(key, out var old)) return null;
        _byNamespace.Remove(old.Metadata.NamespaceProperty ?? string.Empty, key);
        foreach (var owner in old.Metadata.OwnerReferences ?? []) _byOwner.Remove(owner.Uid, key);
        foreach (var (k, v) in old.Metadata.Labels ?? new Dictionary<string, string>()) _byLabel.Remove(k + "=" + v, key);
        return old;
    }

    private sealed class Index
    {
        private readonly Dictionary<string, HashSet<string>> _sets = new(StringComparer.Ordinal);

        public void Add(string value, string key)
        {
            if (!_sets.TryGetValue(value, out var set)) _sets[value] = set = new HashSet<string>(StringComparer.Ordinal);
            set.Add(key);
        }

        public void Remove(string value, string key)
        {
            if (_sets.TryGetValue(value, out var set) && set.Remove(key) && set.Count == 0) _sets.Remove(value);
        }

        public IReadOnlyCollection<string> Get(string value) => _sets.TryGetValue(value, out var set) ? set : [];
    }
}
