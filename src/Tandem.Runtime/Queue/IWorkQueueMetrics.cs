namespace Tandem.Runtime.Queue;

/// <summary>What a work queue reports: depth changes, time an item waited, retries.</summary>
public interface IWorkQueueMetrics
{
    void DepthChanged(int depth);

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
