namespace Tandem.Scaling.Policies;

/// <summary><c>static</c> (baseline): fixed counts per role, by default each role's max (provisioned for the peak).</summary>
public sealed class StaticPolicy(int? prefill = null, int? decode = null) : TargetPolicy
{
    public override string Name => "static";

    /// <summary>The fixed prefill count, or null for the role's max.</summary>
    public int? Prefill { get; } = prefill;

    /// <summary>The fixed decode count, or null for the role's max.</summary>
    public int? Decode { get; } = decode;

    protected override int MaxRemovalsPerRole => int.MaxValue;

    /// <summary>
    /// The bounds a fixed fleet runs under: each role's max raised to its fixed count (a count above max is honoured,
    /// never silently capped) and no standby pods (a fleet that never scales draws nothing from the fast tier, so a
    /// standby pod would only add cost to the baseline).
    /// </summary>
    public ScalingBounds Fit(ScalingBounds bounds) => bounds with
    {
        Prefill = bounds.Prefill with { Min = Math.Min(bounds.Prefill.Min, Prefill ?? bounds.Prefill.Max), Max = Math.Max(bounds.Prefill.Max, Prefill ?? 0) },
        Decode = bounds.Decode with { Min = Math.Min(bounds.Decode.Min, Decode ?? bounds.Decode.Max), Max = Math.Max(bounds.Decode.Max, Decode ?? 0) },
        Standby = bounds.Standby with { Replicas = 0 },
    };

    protected override Wish Want(ScalingInput input, FleetMeasures m) =>
        new(Prefill ?? input.Bounds.Prefill.Max, "fixed", Decode ?? input.Bounds.Decode.Max, "fixed");
}
