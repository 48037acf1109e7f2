using Tandem.Engines.Contract.V1;

namespace Tandem.Engines.Router;

/// <summary>
/// What the router holds: prompt tokens accepted and not yet prefilled, requests waiting for an instance, and per
/// instance the requests and prompt tokens sent and not yet finished. Feeds least-loaded selection and WatchLoad.
/// </summary>
public sealed class RouterLoadTracker(TimeProvider time)
{
    private readonly object _gate = new();
    private readonly Dictionary<string, (int Requests, long PromptTokens)> _assigned = new(StringComparer.Ordinal);
    private long _queuedPromptTokens;
    private int _queuedRequests;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Changed
    {
        get { lock (_gate) { return _changed.Task; } }
    }

    public long QueuedPromptTokens
    {
        get { lock (_gate) { return _queuedPromptTokens; } }
    }

    public void Update(Action<Mutable> change)
    {
        TaskCompletionSource previous;
        lock (_gate)
        {
            change(new Mutable(this));
            previous = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        previous.TrySetResult();
    }

    /// <summary>Outstanding prompt tokens on <paramref name="id"/> (least-loaded prefill).</summary>
    public long PromptTokensOn(string id)
    {
        lock (_gate)
        {
            return _assigned.TryGetValue(id, out var a) ? a.PromptTokens : 0;
        }
    }

    /// <summary>Outstanding requests on <paramref name="id"/> (least-loaded decode).</summary>
    public long RequestsOn(string id)
    {
        lock (_gate)
        {
            return _assigned.TryGetValue(id, out var a) ? a.Requests : 0;
        }
    }

    public RouterLoad Snapshot(long membershipVersion)
    {
        lock (_gate)
        {
            var load = new RouterLoad
            {
                QueuedPromptTokens = _queuedPromptTokens,
                QueuedRequests = _queuedRequests,
                MembershipVersion = membershipVersion,
                ObservedAtUnixMs = time.GetUtcNow().ToUnixTimeMilliseconds(),
            };
            load.Assignments.AddRange(_assigned.OrderBy(kv => kv.Key, StringComparer.Ordinal)
                .Select(kv => new InstanceAssignment { Id = kv.Key, InFlightRequests = kv.Value.Requests, InFlightPromptTokens = kv.Value.PromptTokens }));
            return load;
        }
    }

    /// <summary>Changes applied under the tracker's lock.</summary>
    public readonly struct Mutable(RouterLoadTracker tracker)
    {
        public void Queue(long promptTokens) => tracker._queuedPromptTokens += promptTokens;

        public void Waiting(int delta) => tracker._queuedRequests += delta;

        public void Assign(string id, int requests, long promptTokens)
        {
            var now = tracker._assigned.TryGetValue(id, out var a) ? a : (0, 0);
            now = (now.Requests + requests, now.PromptTokens + promptTokens);
            if (now.Requests <= 0 && now.PromptTokens <= 0)
            {
                tracker._assigned.Remove(id);
            }
            else
            {
                tracker._assigned[id] = now;
            }
        }
    }
}
