using System.Runtime.CompilerServices;

namespace Tandem.Runtime.Queue;

/// <summary>
/// A rate-limited, delaying work queue with client-go's semantics, written here because no .NET library has them
/// (kept small; see WorkQueueTests): duplicates collapse (dirty set); a key is never handed out twice at once
/// (processing set) and an add while it is processing runs it again after <see cref="Done"/>; per-key exponential
/// backoff; timed adds on a <see cref="TimeProvider"/>; after <see cref="ShutDown"/> new adds are ignored, queued keys
/// are still handed out, and <see cref="ShutDownWithDrainAsync"/> waits until in-flight keys are done.
/// </summary>
public sealed class WorkQueue<T> : IDisposable where T : notnull
{
    private readonly object _gate = new();
    private readonly Queue<T> _queue = new();
    private readonly HashSet<T> _dirty = new();
    private readonly HashSet<T> _processing = new();
    private readonly Dictionary<T, long> _addedAt = new();
    private readonly Dictionary<T, long> _startedAt = new();
    private readonly Dictionary<T, int> _failures = new();
    private readonly Dictionary<T, (ITimer Timer, DateTimeOffset Due)> _delayed = new();
    private readonly LinkedList<TaskCompletionSource<bool>> _waiters = new();
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TimeProvider _time;
    private readonly ExponentialBackoff _backoff;
    private readonly IWorkQueueMetrics _metrics;
    private bool _shuttingDown;

    public WorkQueue(TimeProvider? time = null, ExponentialBackoff? backoff = null, IWorkQueueMetrics? metrics = null)
    {
        _time = time ?? TimeProvider.System;
        _backoff = backoff ?? ExponentialBackoff.Default;
        _metrics = metrics ?? IWorkQueueMetrics.None;
        _metrics.Track(InProgress);
    }

    /// <summary>Keys waiting to be handed out (not counting delayed or in-flight keys).</summary>
    public int Count { get { lock (_gate) return _queue.Count; } }

    /// <summary>Keys waiting on a timer (requeue-after or backoff).</summary>
    public int DelayedCount { get { lock (_gate) return _delayed.Count; } }

    public bool IsShuttingDown { get { lock (_gate) return _shuttingDown; } }

    /// <summary>Queues <paramref name="item"/> unless it is already queued; if it is processing it runs again after.</summary>
    public void Add(T item)
    {
        lock (_gate)
        {
            if (_shuttingDown) return;
            _metrics.Added();
            if (!_dirty.Add(item)) return;
            _addedAt.TryAdd(item, _time.GetTimestamp());
            if (_processing.Contains(item)) return;
            _queue.Enqueue(item);
            _metrics.DepthChanged(_queue.Count);
            WakeOne();
        }
    }

    /// <summary>Queues <paramref name="item"/> after <paramref name="delay"/>; an earlier pending time for the same key wins.</summary>
    public void AddAfter(T item, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Add(item);
            return;
        }

        lock (_gate)
        {
            if (_shuttingDown) return;
            var due = _time.GetUtcNow() + delay;
            if (_delayed.TryGetValue(item, out var pending))
            {
                if (pending.Due <= due) return;
                pending.Timer.Dispose();
            }

            // The box is read under the lock in Fire, after it has been filled here.
            var box = new StrongBox<ITimer>();
            box.Value = _time.CreateTimer(_ => Fire(item, box), null, delay, Timeout.InfiniteTimeSpan);
            _delayed[item] = (box.Value, due);
        }
    }

    /// <summary>Queues <paramref name="item"/> after its exponential backoff and counts one more failure for it.</summary>
    public void AddRateLimited(T item)
    {
        int failures;
        lock (_gate)
        {
            if (_shuttingDown) return;
            _failures.TryGetValue(item, out failures);
            _failures[item] = failures + 1;
        }

        _metrics.Retried();
        AddAfter(item, _backoff.Delay(failures));
    }

    /// <summary>Clears the failure count of <paramref name="item"/> (its next backoff starts from the base delay).</summary>
    public void Forget(T item)
    {
        lock (_gate) _failures.Remove(item);
    }

    public int NumRequeues(T item)
    {
        lock (_gate) return _failures.GetValueOrDefault(item);
    }

    /// <summary>
    /// Waits for the next key and marks it processing; the caller must call <see cref="Done"/>. Returns false once the
    /// queue is shut down and empty.
    /// </summary>
    public async Task<(bool Ok, T Item)> GetAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            TaskCompletionSource<bool> waiter;
            LinkedListNode<TaskCompletionSource<bool>> node;
            lock (_gate)
            {
                if (_queue.Count > 0)
                {
                    var item = _queue.Dequeue();
                    _processing.Add(item);
                    _startedAt[item] = _time.GetTimestamp();
                    _dirty.Remove(item);
                    if (_addedAt.Remove(item, out var added)) _metrics.ItemWaited(_time.GetElapsedTime(added));
                    _metrics.DepthChanged(_queue.Count);
                    return (true, item);
                }

                if (_shuttingDown) return (false, default!);
                waiter = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                node = _waiters.AddLast(waiter);
            }

            using (cancellationToken.Register(() => waiter.TrySetCanceled(cancellationToken)))
            {
                try
                {
                    await waiter.Task.ConfigureAwait(false);
                }
                finally
                {
                    lock (_gate)
                    {
                        if (node.List is not null) _waiters.Remove(node);
                    }
                }
            }
        }
    }

    /// <summary>Marks <paramref name="item"/> finished; if it was added meanwhile it is queued again.</summary>
    public void Done(T item)
    {
        lock (_gate)
        {
            _processing.Remove(item);
            if (_startedAt.Remove(item, out var started)) _metrics.Worked(_time.GetElapsedTime(started));
            if (_dirty.Contains(item))
            {
                _queue.Enqueue(item);
                _metrics.DepthChanged(_queue.Count);
                WakeOne();
            }

            CheckDrained();
        }
    }

    /// <summary>Stops accepting keys and drops delayed ones; queued keys are still handed out, then Get returns false.</summary>
    public void ShutDown()
    {
        lock (_gate)
        {
            if (_shuttingDown) return;
            _shuttingDown = true;
            foreach (var (timer, _) in _delayed.Values) timer.Dispose();
            _delayed.Clear();
            foreach (var waiter in _waiters) waiter.TrySetResult(false);
            _waiters.Clear();
            CheckDrained();
        }
    }

    /// <summary>Shuts down and waits until every queued and in-flight key is done (or the token ends the wait).</summary>
    public Task ShutDownWithDrainAsync(CancellationToken cancellationToken = default)
    {
        ShutDown();
        return _drained.Task.WaitAsync(cancellationToken);
    }

    public void Dispose() => ShutDown();

    private void Fire(T item, StrongBox<ITimer> box)
    {
        ITimer? timer;
        lock (_gate)
        {
            timer = box.Value;
            // Only the timer that is still registered for the key may add it (a newer, earlier timer replaced it).
            if (!_delayed.TryGetValue(item, out var pending) || !ReferenceEquals(pending.Timer, timer)) return;
            _delayed.Remove(item);
        }

        timer?.Dispose();
        Add(item);
    }

    /// <summary>Seconds of work in progress (summed over in-flight keys) and of the longest-running key.</summary>
    private (TimeSpan Unfinished, TimeSpan Longest) InProgress()
    {
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            var unfinished = TimeSpan.Zero;
            var longest = TimeSpan.Zero;
            foreach (var started in _startedAt.Values)
            {
                var running = _time.GetElapsedTime(started, now);
                unfinished += running;
                longest = running > longest ? running : longest;
            }

            return (unfinished, longest);
        }
    }

    private void WakeOne()
    {
        while (_waiters.First is { } first)
        {
            _waiters.RemoveFirst();
            if (first.Value.TrySetResult(true)) return;
        }
    }

    private void CheckDrained()
    {
        if (_shuttingDown && _queue.Count == 0 && _processing.Count == 0) _drained.TrySetResult();
    }
}
