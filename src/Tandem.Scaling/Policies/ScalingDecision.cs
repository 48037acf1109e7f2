using Tandem.Scaling.Lifecycle;

namespace Tandem.Scaling.Policies;

/// <summary>
/// A policy's decision: per role the current and desired active instances, utilizations, why the target was
/// limited, and the actions (each with a reason) that carry it out.
/// </summary>
public sealed record ScalingDecision(
    RoleTarget Prefill,
    RoleTarget Decode,
    double MigrationUtilization,
    IReadOnlyList<ScalingAction> Actions,
    string Reason)
{
    public RoleTarget For(InstanceRole role) => role == InstanceRole.Prefill ? Prefill : Decode;
}

/// <summary>
/// One role's target: current serving instances (active + loading), desired active instances, the role's utilization,
/// and whether min, max or the ratio guard changed the policy's wish (the operator sets ScalingLimited from these).
/// </summary>
public sealed record RoleTarget(int Current, int Desired, double Utilization)
{
    public bool LimitedByMin { get; init; }

    public bool LimitedByMax { get; init; }

    public bool LimitedByRatio { get; init; }

    public bool Limited => LimitedByMin || LimitedByMax || LimitedByRatio;
}
