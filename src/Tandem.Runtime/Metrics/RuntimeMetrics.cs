using Prometheus;
using Tandem.Runtime.Queue;

namespace Tandem.Runtime.Metrics;

/// <summary>
/// The runtime's Prometheus metrics, named like controller-runtime's and client-go's where one exists
/// (controller_runtime_reconcile_*, workqueue_*, leader_election_master_status), plus informer watch restarts.
/// </summary>
public sealed class RuntimeMetrics
{
    public RuntimeMetrics(CollectorRegistry registry)
    {
        Registry = registry;
        var f = Prometheus.Metrics.WithCustomRegistry(registry);
        ReconcileTotal = f.CreateCounter("controller_runtime_reconcile_total",
            "Total number of reconciliations per controller.", "controller", "result");
        ReconcileErrors = f.CreateCounter("controller_runtime_reconcile_errors_total",
            "Total number of reconciliation errors per controller.", "controller");
        TerminalReconcileErrors = f.CreateCounter("controller_runtime_terminal_reconcile_errors_total",
            "Total number of terminal reconciliation errors per controller.", "controller");
        ReconcileTime = f.CreateHistogram("controller_runtime_reconcile_time_seconds",
            "Length of time per reconciliation per controller.",
            new HistogramConfiguration { LabelNames = ["controller"], Buckets = ReconcileBuckets });
        ActiveWorkers = f.CreateGauge("controller_runtime_active_workers",
            "Number of currently used workers per controller.", "controller");
        QueueDepth = f.CreateGauge("workqueue_depth", "Current depth of workqueue.", "name");
        QueueDuration = f.CreateHistogram("workqueue_queue_duration_seconds",
            "How long in seconds an item stays in workqueue before being requested.",
            new HistogramConfiguration { LabelNames = ["name"], Buckets = Histogram.ExponentialBuckets(0.0001, 4, 12) });
        QueueRetries = f.CreateCounter("workqueue_retries_total", "Total number of retries handled by workqueue.", "name");
        QueueAdds = f.CreateCounter("workqueue_adds_total", "Total number of adds handled by workqueue.", "name");
        QueueWorkDuration = f.CreateHistogram("workqueue_work_duration_seconds", "How long in seconds processing an item from workqueue takes.",
            new HistogramConfiguration { LabelNames = ["name"], Buckets = Histogram.ExponentialBuckets(0.0001, 4, 12) });
        QueueUnfinishedWork = f.CreateGauge("workqueue_unfinished_work_seconds",
            "How many seconds of work has been done that is in progress and hasn't been observed by work_duration. Large values indicate stuck threads.", "name");
        QueueLongestRunning = f.CreateGauge("workqueue_longest_running_processor_seconds",
            "How many seconds has the longest running processor for workqueue been running.", "name");
        RestRequests = f.CreateCounter("rest_client_requests_total", "Number of HTTP requests to the API server, partitioned by status code, method, and host.", "code", "method", "host");
        RestLatency = f.CreateHistogram("rest_client_request_duration_seconds", "Request latency in seconds to the API server, by verb and host.",
            new HistogramConfiguration { LabelNames = ["verb", "host"], Buckets = Histogram.ExponentialBuckets(0.001, 2, 14) });
        WatchRestarts = f.CreateCounter("tandem_informer_watch_restarts_total",
            "Watches restarted per resource, by reason (closed: server ended the stream; error: failed; expired: 410 Gone, relisted).",
            "resource", "reason");
        LeaderStatus = f.CreateGauge("leader_election_master_status",
            "1 while this replica holds the leader lease, else 0.", "name");
    }

    /// <summary>
    /// controller-runtime's reconcile-time buckets (fine below a second, with 50 ms exact, so a p99 target can be read
    /// off the histogram), up to a minute.
    /// </summary>
    public static readonly double[] ReconcileBuckets =
    [
        0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0,
        1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60,
    ];

    public CollectorRegistry Registry { get; }

    public Counter ReconcileTotal { get; }

    public Counter ReconcileErrors { get; }

    public Counter TerminalReconcileErrors { get; }

    public Histogram ReconcileTime { get; }

    public Gauge ActiveWorkers { get; }

    public Gauge QueueDepth { get; }

    public Histogram QueueDuration { get; }

    public Counter QueueRetries { get; }

    public Counter QueueAdds { get; }

    public Histogram QueueWorkDuration { get; }

    public Gauge QueueUnfinishedWork { get; }

    public Gauge QueueLongestRunning { get; }

    public Counter RestRequests { get; }

    public Histogram RestLatency { get; }

    /// <summary>Creates the per-controller series at zero, so error rates and alerts have data before the first error.</summary>
    public void RegisterController(string name)
    {
        foreach (var result in new[] { "success", "error", "requeue", "requeue_after" })
        {
            ReconcileTotal.WithLabels(name, result);
        }

        ReconcileTime.WithLabels(name);
        ReconcileErrors.WithLabels(name);
        TerminalReconcileErrors.WithLabels(name);
        ActiveWorkers.WithLabels(name);
        QueueAdds.WithLabels(name);
        QueueRetries.WithLabels(name);
        QueueDepth.WithLabels(name);
        QueueUnfinishedWork.WithLabels(name);
        QueueLongestRunning.WithLabels(name);
    }

    public Counter WatchRestarts { get; }

    public Gauge LeaderStatus { get; }

    /// <summary>The work-queue metrics of the controller named <paramref name="name"/>.</summary>
    public IWorkQueueMetrics ForQueue(string name) => new QueueMetrics(this, name);

    private sealed class QueueMetrics(RuntimeMetrics m, string name) : IWorkQueueMetrics
    {
        public void DepthChanged(int depth) => m.QueueDepth.WithLabels(name).Set(depth);

        public void ItemWaited(TimeSpan queued) => m.QueueDuration.WithLabels(name).Observe(queued.TotalSeconds);

        public void Retried() => m.QueueRetries.WithLabels(name).Inc();

        public void Added() => m.QueueAdds.WithLabels(name).Inc();

        public void Worked(TimeSpan duration) => m.QueueWorkDuration.WithLabels(name).Observe(duration.TotalSeconds);

        public void Track(Func<(TimeSpan Unfinished, TimeSpan Longest)> probe) => m.Registry.AddBeforeCollectCallback(() =>
        {
            var (unfinished, longest) = probe();
            m.QueueUnfinishedWork.WithLabels(name).Set(unfinished.TotalSeconds);
            m.QueueLongestRunning.WithLabels(name).Set(longest.TotalSeconds);
        });
    }
}
