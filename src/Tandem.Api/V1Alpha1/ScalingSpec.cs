using Tandem.Api.Schema;
using Tandem.Api.Validation;

namespace Tandem.Api.V1Alpha1;

/// <summary>
/// Autoscaler bounds and policy (the seeds' router bounds). With R, M and T from the ModelProfile:
/// prefill utilization = W / (N_P · R) seconds of queued prompt work per instance; decode utilization =
/// B / (N_D · M) KV-cache occupancy; migration = P / (N_D · T) seconds to move unmigrated KV.
/// </summary>
[Rule(ValidationRules.DecodeBandIsFraction)]
[Rule(ValidationRules.IntervalInRange)]
[Rule(ValidationRules.ScaleDownDelayInRange)]
public sealed class ScalingSpec
{
    /// <summary>operator: Tandem decides replicas; external: an HPA, KEDA or kubectl scale sets EnginePool replicas and Tandem only clamps and carries them out.</summary>
    [Default("operator")]
    public ScalingMode Mode { get; set; } = ScalingMode.Operator;

    /// <summary>Decision period of the fast tier.</summary>
    [Default("1s"), Duration]
    public string Interval { get; set; } = "1s";

    /// <summary>Prefill pool bounds; utilization is seconds of queued prompt work per instance (default band 0.15-0.4).</summary>
    [DefaultJson("""{"min":1,"max":8,"utilization":{"lower":0.15,"upper":0.4}}""")]
    public RoleScaling Prefill { get; set; } = new() { Utilization = new Band { Lower = 0.15, Upper = 0.4 } };

    /// <summary>Decode pool bounds; utilization is KV-cache occupancy, a fraction (default band 0.45-0.8).</summary>
    [DefaultJson("""{"min":1,"max":8,"utilization":{"lower":0.45,"upper":0.8}}""")]
    public RoleScaling Decode { get; set; } = new() { Utilization = new Band { Lower = 0.45, Upper = 0.8 } };

    /// <summary>Band of migration load: seconds to move prefilled-but-unmigrated KV to decode instances.</summary>
    [DefaultJson("""{"lower":0,"upper":0.4}""")]
    public Band Migration { get; set; } = new() { Lower = 0, Upper = 0.4 };

    /// <summary>How long a removed instance stays warm (weights resident, idle) before unloading to standby (the seeds' scale_down_threshold_millis).</summary>
    [Default("1500ms"), Duration]
    public string ScaleDownDelay { get; set; } = "1500ms";

    /// <summary>The buffer of standby instances the slow tier keeps for fast scale-ups.</summary>
    [DefaultJson("{}")]
    public StandbySpec Standby { get; set; } = new();

    /// <summary>Guard on the prefill:decode instance ratio (N_P / N_D) after every decision.</summary>
    public RatioSpec? Ratio { get; set; }

    /// <summary>bounds (default), slo, or static.</summary>
    [Default("bounds")]
    public ScalingPolicyName Policy { get; set; } = ScalingPolicyName.Bounds;

    /// <summary>Latency targets; the slo policy keeps predictions within them (the ModelProfile's defaults when unset).</summary>
    public SloSpec? Slo { get; set; }
}

/// <summary>Bounds of one role's pool.</summary>
[Rule(ValidationRules.MinAtMostMax)]
public sealed class RoleScaling
{
    /// <summary>Fewest active instances (at least 1: a deployment is Ready only when both roles serve).</summary>
    [Default(1), Minimum(1), Maximum(1000)]
    public int Min { get; set; } = 1;

    /// <summary>Most active instances.</summary>
    [Default(8), Minimum(1), Maximum(1000)]
    public int Max { get; set; } = 8;

    /// <summary>Keep utilization inside this band: below it scale down by one, above it scale up to its midpoint.</summary>
    public Band? Utilization { get; set; }
}

/// <summary>A target band [lower, upper].</summary>
[Rule(ValidationRules.LowerBelowUpper)]
public sealed class Band
{
    /// <summary>Below this the pool is over-provisioned.</summary>
    [Required, Minimum(0)]
    public double Lower { get; set; }

    /// <summary>Above this the pool is under-provisioned.</summary>
    [Required, Minimum(0)]
    public double Upper { get; set; }

    /// <summary>The band's midpoint, where a scale-up aims.</summary>
    public double Midpoint() => (Lower + Upper) / 2;
}

/// <summary>The standby buffer.</summary>
[Rule(ValidationRules.IdleTimeoutInRange)]
public sealed class StandbySpec
{
    /// <summary>Standby instances (pods holding GPUs, no weights) to keep beyond the active ones.</summary>
    [Default(0), Minimum(0), Maximum(1000)]
    public int Replicas { get; set; }

    /// <summary>A standby pod beyond the buffer is deleted, giving its GPUs back, after idling this long.</summary>
    [Default("5m"), Duration]
    public string IdleTimeout { get; set; } = "5m";
}

/// <summary>Allowed range of N_P / N_D.</summary>
[Rule(ValidationRules.MinAtMostMax)]
public sealed class RatioSpec
{
    /// <summary>Lowest prefill:decode ratio.</summary>
    [Minimum(0, Exclusive = true)]
    public double? Min { get; set; }

    /// <summary>Highest prefill:decode ratio.</summary>
    [Minimum(0, Exclusive = true)]
    public double? Max { get; set; }
}

/// <summary>Latency targets.</summary>
public sealed class SloSpec
{
    /// <summary>Time-to-first-token target.</summary>
    [Duration]
    public string? Ttft { get; set; }

    /// <summary>Time-per-output-token target.</summary>
    [Duration]
    public string? Tpot { get; set; }
}
