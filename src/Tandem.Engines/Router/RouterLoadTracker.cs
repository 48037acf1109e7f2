using Tandem.Engines.Contract.V1;

namespace Tandem.Engines.Router;

/// <summary>
/// What the router holds: prompt tokens accepted and not yet prefilled, requests waiting for an instance, and per
/// instance the requests and prompt tokens sent and not yet finished. Feeds least-loaded selection and WatchLoad.
/// </summary>
public sealed class RouterLoadTracker(TimeProvider time)
{
    private readonly TimeProvider _time = time;
    private readonly object _gate = new();
    private readonly Dictionary<string, (int Requests, long PromptTokens)> _assigned = new(StringComparer.Ordinal);
    private long _queuedPromptTokens;
    private int _queuedRequests;

    /// <summary>Window over which the prompt-token arrival rate is measured.</summary>
    public static readonly TimeSpan RateWindow = TimeSpan.FromSeconds(5);

    private readonly Queue<(long At, long Tokens)> _arrivals = new();
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
                ObservedAtUnixMs = _time.GetUtcNow().ToUnixTimeMilliseconds(),
                PromptTokensPerSecond = ArrivalRate(),
            };
            load.Assignments.AddRange(_assigned.OrderBy(kv => kv.Key, StringComparer.Ordinal)
                .Select(kv => new InstanceAssignment { Id = kv.Key, InFlightRequests = kv.Value.Requests, InFlightPromptTokens = kv.Value.PromptTokens }));
            return load;
        }
    }

    // Prompt tokens that arrived within RateWindow, per second (called under the lock).
    private double ArrivalRate()
    {
        var now = _time.GetTimestamp();
        while (_arrivals.Count > 0 && _time.GetElapsedTime(_arrivals.Peek().At, now) > RateWindow)
        {
            _arrivals.Dequeue();
        }

        return _arrivals.Sum(a => (double)a.Tokens) / RateWindow.TotalSeconds;
    }

    /// <summary>Changes applied under the tracker's lock.</summary>
    public readonly struct Mutable(RouterLoadTracker tracker)
    {
        public void Queue(long promptTokens) => tracker._queuedPromptTokens += promptTokens;

        /// <summary>A new request arrived (counts toward the arrival rate).</summary>
        public void Arrived(long promptTokens) => tracker._arrivals.Enqueue((tracker._time.GetTimestamp(), promptTokens));

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
