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
        // One unit per metric: the policy's three utilizations are measured in different units.
        PrefillUtilization = factory.CreateGauge("tandem_prefill_utilization_seconds", "Prefill utilization: seconds of queued prompt work per prefill instance (W / (N_P * R)).", DeploymentLabels);
        DecodeUtilization = factory.CreateGauge("tandem_decode_utilization_ratio", "Decode utilization: KV-cache occupancy of the decode instances, 0 to 1 (B / (N_D * M)).", DeploymentLabels);
        MigrationUtilization = factory.CreateGauge("tandem_migration_utilization_seconds", "Migration load: seconds to move prefilled, unmigrated KV to decode instances (P / (N_D * T)).", DeploymentLabels);
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

    public Gauge PrefillUtilization { get; }

    public Gauge DecodeUtilization { get; }

    public Gauge MigrationUtilization { get; }

    public Gauge Desired { get; }

    public Counter Decisions { get; }

    public Histogram DecisionDuration { get; }

    public Histogram Activation { get; }

    public Histogram Drain { get; }
}
