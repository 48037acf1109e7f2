namespace Tandem.Scaling.Policies;

/// <summary>
/// The user's scaling settings (InferenceDeployment <c>spec.scaling</c>; the seeds' <c>[router]</c> table). Each field
/// is documented in docs/policies/bounds.md.
/// </summary>
public sealed record ScalingBounds
{
    /// <summary>Prefill instances and the band of prefill utilization W / (N_P · R), seconds of queued prompt work per instance.</summary>
    public RoleBounds Prefill { get; init; } = new(1, 13, new Band(0.15, 0.4));

    /// <summary>Decode instances and the band of decode utilization B / (N_D · M), KV-cache occupancy.</summary>
    public RoleBounds Decode { get; init; } = new(1, 13, new Band(0.45, 0.8));

    /// <summary>Band of migration P / (N_D · T), seconds to move unmigrated KV to the decode instances.</summary>
    public Band Migration { get; init; } = new(0.2, 0.4);

    /// <summary>How long a drained instance stays warm (weights resident) before it unloads to standby.</summary>
    public TimeSpan ScaleDownDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Allowed prefill:decode ratio of desired active instances.</summary>
    public RatioGuard Ratio { get; init; } = RatioGuard.None;

    /// <summary>The slow tier's buffer of standby pods.</summary>
    public StandbySettings Standby { get; init; } = new(1, TimeSpan.FromSeconds(60));

    public ScalingFeatures Features { get; init; } = ScalingFeatures.None;

    /// <summary>Latency targets for the slo policy; null fields take the model's defaults.</summary>
    public SloSettings? Slo { get; init; }

    /// <summary>
    /// Share of the workload's remembered lulls the prefill scale-down hold outlasts (<see cref="BurstMemory.HoldFor"/>;
    /// 1 = the longest). Not in the CRD: the simulator's knob, swept by the targets benchmark (docs/policies/yardsticks.md).
    /// </summary>
    public double LullQuantile { get; init; } = BurstMemory.LullQuantile;

    /// <summary>Throws an error naming the first field that breaks its rule.</summary>
    public void Validate(string prefix = "scaling")
    {
        Prefill.Validate($"{prefix}.prefill");
        Decode.Validate($"{prefix}.decode");
        Migration.Validate($"{prefix}.migration");
        if (ScaleDownDelay < TimeSpan.Zero)
        {
            throw new ArgumentException($"{prefix}.scaleDownDelay: must be >= 0.");
        }

        if (!(Ratio.Min >= 0) || !(Ratio.Max > 0) || Ratio.Min > Ratio.Max)
        {
            throw new ArgumentException($"{prefix}.ratio: must have 0 <= min <= max and max > 0 (got {Ratio.Min}..{Ratio.Max}).");
        }

        if (!(LullQuantile > 0 && LullQuantile <= 1))
        {
            throw new ArgumentException($"{prefix}.lullQuantile: must be in (0, 1] (got {LullQuantile}).");
        }

        if (Standby.Replicas < 0 || Standby.IdleTimeout < TimeSpan.Zero)
        {
            throw new ArgumentException($"{prefix}.standby: replicas and idleTimeout must be >= 0.");
        }
    }
}

/// <summary>Per-role instance counts and utilization band.</summary>
public sealed record RoleBounds(int Min, int Max, Band Utilization)
{
    public void Validate(string field)
    {
        if (Min < 0 || Max < 1 || Min > Max)
        {
            throw new ArgumentException($"{field}: must have 0 <= min <= max and max >= 1 (got min {Min}, max {Max}).");
        }

        Utilization.Validate($"{field}.utilization");
    }
}

/// <summary>A band [Lower, Upper] a utilization should stay in.</summary>
public sealed record Band(double Lower, double Upper)
{
    public double Midpoint => (Lower + Upper) / 2;

    public bool Holds(double value) => value >= Lower && value <= Upper;

    public void Validate(string field)
    {
        if (!(Lower >= 0) || !(Upper > Lower) || double.IsInfinity(Upper))
        {
            throw new ArgumentException($"{field}: must have 0 <= lower < upper (got {Lower}..{Upper}).");
        }
    }
}

/// <summary>Allowed prefill:decode ratio of desired active instances; <see cref="None"/> allows any.</summary>
public sealed record RatioGuard(double Min, double Max)
{
    public static RatioGuard None { get; } = new(0, double.PositiveInfinity);

    /// <summary>True when <paramref name="prefill"/>:<paramref name="decode"/> lies within the guard.</summary>
    public bool Holds(int prefill, int decode) =>
        decode == 0 ? prefill == 0 || double.IsPositiveInfinity(Max) : prefill >= Min * decode - 1e-9 && prefill <= Max * decode + 1e-9;
}

/// <summary>Standby pods kept for the fast tier, and how long an extra one may idle before its pod is deleted.</summary>
public sealed record StandbySettings(int Replicas, TimeSpan IdleTimeout)
{
    /// <summary>
    /// bounds and slo keep only as many standby pods as recent bursts needed beyond the warm tier, at most
    /// <see cref="Replicas"/> (<see cref="BurstMemory.StandbyBuffer"/>); false keeps exactly <see cref="Replicas"/>.
    /// Off by default: the operator's spec has no field for it yet.
    /// </summary>
    public bool SizeFromBursts { get; init; }
}

/// <summary>Latency targets; null takes the model's default.</summary>
public sealed record SloSettings(TimeSpan? Ttft, TimeSpan? Tpot);

/// <summary>The deployment's feature flags (DESIGN §2) that change what the policy may do.</summary>
[Flags]
public enum ScalingFeatures
{
    None = 0,

    /// <summary>A prefill instance may become a decode instance in place.</summary>
    Mutate = 1,

    /// <summary>New instances load weights from a running peer.</summary>
    FastLoad = 2,

    /// <summary>A loading instance serves while its weights arrive.</summary>
    LiveScaling = 4,

    /// <summary>Unloaded weights stay in host memory for reuse.</summary>
    HostCache = 8,
}
