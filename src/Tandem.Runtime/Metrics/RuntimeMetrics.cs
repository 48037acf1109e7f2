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
            new HistogramConfiguration { LabelNames = ["controller"], Buckets = Histogram.ExponentialBuckets(0.005, 2, 15) });
        ActiveWorkers = f.CreateGauge("controller_runtime_active_workers",
            "Number of currently used workers per controller.", "controller");
        QueueDepth = f.CreateGauge("workqueue_depth", "Current depth of workqueue.", "name");
        QueueDuration = f.CreateHistogram("workqueue_queue_duration_seconds",
            "How long in seconds an item stays in workqueue before being requested.",
            new HistogramConfiguration { LabelNames = ["name"], Buckets = Histogram.ExponentialBuckets(0.0001, 4, 12) });
        QueueRetries = f.CreateCounter("workqueue_retries_total", "Total number of retries handled by workqueue.", "name");
        WatchRestarts = f.CreateCounter("tandem_informer_watch_restarts_total",
            "Watches restarted per resource, by reason (closed: server ended the stream; error: failed; expired: 410 Gone, relisted).",
            "resource", "reason");
        LeaderStatus = f.CreateGauge("leader_election_master_status",
            "1 while this replica holds the leader lease, else 0.", "name");
    }

    public CollectorRegistry Registry { get; }

    public Counter ReconcileTotal { get; }

    public Counter ReconcileErrors { get; }

    public Counter TerminalReconcileErrors { get; }

    public Histogram ReconcileTime { get; }

    public Gauge ActiveWorkers { get; }

    public Gauge QueueDepth { get; }

    public Histogram QueueDuration { get; }

    public Counter QueueRetries { get; }

    public Counter WatchRestarts { get; }

    public Gauge LeaderStatus { get; }

    /// <summary>The work-queue metrics of the controller named <paramref name="name"/>.</summary>
    public IWorkQueueMetrics ForQueue(string name) => new QueueMetrics(this, name);

    private sealed class QueueMetrics(RuntimeMetrics m, string name) : IWorkQueueMetrics
    {
        public void DepthChanged(int depth) => m.QueueDepth.WithLabels(name).Set(depth);

        public void ItemWaited(TimeSpan queued) => m.QueueDuration.WithLabels(name).Observe(queued.TotalSeconds);

        public void Retried() => m.QueueRetries.WithLabels(name).Inc();
    }
}
