namespace Tandem.Scaling.Policies;

/// <summary>
/// The shape every policy shares: measure, wish for counts per role (the policy's own rule), clamp and ratio-guard
/// them (<see cref="TargetShaper"/>), and carry them out (<see cref="FleetPlanner"/>).
/// </summary>
public abstract class TargetPolicy : IScalingPolicy
{
    public abstract string Name { get; }

    /// <summary>How many instances of one role a single decision may remove (1 for bounds and slo).</summary>
    protected virtual int MaxRemovalsPerRole => 1;

    /// <summary>Standby pods to keep (at most <c>standby.replicas</c>); null keeps <c>standby.replicas</c> (the baselines).</summary>
    protected virtual int? StandbyBuffer(ScalingInput input, int growPrefill, int growDecode) => null;

    /// <summary>The policy's rule: the counts it wants and why.</summary>
    protected abstract Wish Want(ScalingInput input, FleetMeasures measures);

    public ScalingDecision Decide(ScalingInput input)
    {
        var measures = FleetMeasures.Of(input);
        var wish = Want(input, measures);
        var (prefill, decode) = TargetShaper.Shape(input.Bounds, measures, wish.Prefill, wish.Decode);
        // The standby buffer is sized from what the load needed, before the cold-start cap cut it to the sustained rate:
        // sized from the capped count, a buffer the policy drew on would read as never needed and be deleted.
        var needed = Math.Max(prefill.Desired, Math.Min(wish.PrefillBeforeColdStartCap ?? wish.Prefill, input.Bounds.Prefill.Max));
        var actions = FleetPlanner.Plan(input, prefill.Desired, decode.Desired, MaxRemovalsPerRole,
            StandbyBuffer(input, needed - prefill.Current, decode.Desired - decode.Current));
        var reason = $"{Name}: prefill {prefill.Current}->{prefill.Desired} ({wish.PrefillReason}{Limits(prefill)}); decode {decode.Current}->{decode.Desired} ({wish.DecodeReason}{Limits(decode)})";
        return new ScalingDecision(prefill, decode, measures.MigrationUtilization, actions, reason);
    }

    private static string Limits(RoleTarget t) =>
        (t.LimitedByMin ? ", limited by min" : "") + (t.LimitedByMax ? ", limited by max" : "") + (t.LimitedByRatio ? ", limited by ratio" : "");

    /// <summary>Counts a policy wants per role before clamping, with the reason for each.</summary>
    protected readonly record struct Wish(int Prefill, string PrefillReason, int Decode, string DecodeReason)
    {
        /// <summary>The prefill count the load needed before <see cref="PrefillDemand.CapColdStarts"/> (null: no cap applied).</summary>
        public int? PrefillBeforeColdStartCap { get; init; }
    }
}
