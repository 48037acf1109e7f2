namespace Tandem.Scaling.Policies;

/// <summary>
/// A scaling policy: given what the fleet looks like now, decide the desired active instances per role and the
/// actions that get there. Pure (no I/O, no Kubernetes types); one object per deployment, called every interval.
/// </summary>
public interface IScalingPolicy
{
    /// <summary>The policy's name as written in <c>scaling.policy</c> (<c>bounds</c>, <c>slo</c>, ...).</summary>
    string Name { get; }

    /// <summary>One decision. Policies with memory (hpa, kpa) keep it in the policy object, fed by successive calls.</summary>
    ScalingDecision Decide(ScalingInput input);
}
