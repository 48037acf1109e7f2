namespace Tandem.Runtime.Helpers;

/// <summary>
/// Creations and deletions a controller has asked for but not yet seen in its cache (kube-controller-manager's
/// ControllerExpectations): while a key's expectations are unmet, its reconcile must not act on counts from the cache,
/// or a stale cache makes it create duplicates. Expectations expire after <see cref="Ttl"/> so a lost event cannot
/// wedge a key. Pure state on a <see cref="TimeProvider"/>; thread-safe.
/// </summary>
public sealed class Expectations(TimeProvider? time = null)
{
    /// <summary>How long unmet expectations hold before they are treated as met (kube-controller-manager: 5 minutes).</summary>
    public static readonly TimeSpan Ttl = TimeSpan.FromMinutes(5);

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly object _gate = new();
    private readonly Dictionary<string, (int Adds, int Deletes, DateTimeOffset Set)> _pending = new(StringComparer.Ordinal);

    /// <summary>Records that <paramref name="adds"/> creations and <paramref name="deletes"/> deletions are on their way for <paramref name="key"/>.</summary>
    public void Expect(string key, int adds, int deletes = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(adds);
        ArgumentOutOfRangeException.ThrowIfNegative(deletes);
        lock (_gate) _pending[key] = (adds, deletes, _time.GetUtcNow());
    }

    /// <summary>One expected creation was observed (call from the informer's add handler).</summary>
    public void CreationObserved(string key) => Lower(key, 1, 0);

    /// <summary>One expected deletion was observed (call from the informer's delete handler).</summary>
    public void DeletionObserved(string key) => Lower(key, 0, 1);

    /// <summary>True when nothing is pending for <paramref name="key"/>, all was observed, or the expectations expired.</summary>
    public bool Satisfied(string key)
    {
        lock (_gate)
        {
            if (!_pending.TryGetValue(key, out var p)) return true;
            if ((p.Adds <= 0 && p.Deletes <= 0) || _time.GetUtcNow() - p.Set > Ttl)
            {
                _pending.Remove(key);
                return true;
            }

            return false;
        }
    }

    /// <summary>Forgets <paramref name="key"/> (e.g. when its object is deleted).</summary>
    public void Delete(string key)
    {
        lock (_gate) _pending.Remove(key);
    }

    private void Lower(string key, int adds, int deletes)
    {
        lock (_gate)
        {
            if (_pending.TryGetValue(key, out var p)) _pending[key] = (p.Adds - adds, p.Deletes - deletes, p.Set);
        }
    }
}
