using Prometheus;

namespace Tandem.Operator.Autoscaling;

/// <summary>Prometheus metrics of every scaling decision and of the instances it manages.</summary>
public sealed class AutoscalerMetrics
{
    private static readonly string[] DeploymentLabels = ["namespace", "deployment"];

    public AutoscalerMetrics(CollectorRegistry registry)
    {
        var factory = Metrics.WithCustomRegistry(registry);
        Instances = factory.CreateGauge("tandem_instances", "Engine instances by role and lifecycle state.", [.. DeploymentLabels, "role", "state"]);
        Utilization = factory.CreateGauge("tandem_utilization", "Utilization per role in the role's unit (prefill: queued seconds per instance; decode: KV occupancy; migration: seconds).", [.. DeploymentLabels, "role"]);
        Desired = factory.CreateGauge("tandem_desired_instances", "Desired active instances per role.", [.. DeploymentLabels, "role"]);
        Decisions = factory.CreateCounter("tandem_scale_decisions_total", "Scaling actions taken, by role, direction and reason.", [.. DeploymentLabels, "role", "direction", "reason"]);
        DecisionDuration = factory.CreateHistogram("tandem_decision_duration_seconds", "Time of one autoscaler tick: observe, decide, act.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.0005, 2, 14) });
        Activation = factory.CreateHistogram("tandem_activation_seconds", "From an Activate call (standby or warm instance) to the instance serving.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.01, 2, 14) });
        Drain = factory.CreateHistogram("tandem_drain_seconds", "From a Drain call to the instance holding no work (warm).",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.01, 2, 14) });
    }

    public Gauge Instances { get; }

    public Gauge Utilization { get; }

    public Gauge Desired { get; }

    public Counter Decisions { get; }

    public Histogram DecisionDuration { get; }

    public Histogram Activation { get; }

    public Histogram Drain { get; }
}
