namespace Tandem.Runtime.Queue;

/// <summary>What a work queue reports: adds, depth changes, time an item waited and was worked on, retries, work in progress.</summary>
public interface IWorkQueueMetrics
{
    void DepthChanged(int depth);

    /// <summary>An add that queued a key (client-go counts every Add call; duplicates included).</summary>
    void Added() { }

    /// <summary>A key was processed for <paramref name="duration"/> (from Get to Done).</summary>
    void Worked(TimeSpan duration) { }

    /// <summary>Gives the queue's probe of work in progress: total seconds of unfinished work and the longest-running key.</summary>
    void Track(Func<(TimeSpan Unfinished, TimeSpan Longest)> probe) { }

    void ItemWaited(TimeSpan queued);

    void Retried();

    /// <summary>Reports nothing.</summary>
    public static IWorkQueueMetrics None { get; } = new NoMetrics();

    private sealed class NoMetrics : IWorkQueueMetrics
    {
        public void DepthChanged(int depth) { }
        public void ItemWaited(TimeSpan queued) { }
        public void Retried() { }
    }
}
