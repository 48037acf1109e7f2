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

    protected override Wish Want(ScalingInput input, FleetMeasures m) =>
        new(Prefill ?? input.Bounds.Prefill.Max, "fixed", Decode ?? input.Bounds.Decode.Max, "fixed");
}
