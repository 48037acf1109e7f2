using Tandem.Scaling.Lifecycle;

namespace Tandem.Operator.Rollouts;

/// <summary>
/// One engine pod as the rollout sees it. <paramref name="TemplateHash"/>: the template it was built from (null for a pod
/// made before templates were hashed); <paramref name="Replaces"/>: the outdated instance it was created to replace;
/// <paramref name="Created"/>: when the pod was created (null when unknown: no deadline then);
/// <paramref name="Problem"/>: why the pod cannot start (unschedulable, image pull, crash loop), if it cannot.
/// </summary>
public sealed record RolloutInstance(
    string Name,
    string? TemplateHash,
    InstanceState State,
    InstanceRole? Role,
    bool Unknown,
    string? Replaces,
    DateTimeOffset? Created,
    string? Problem = null);

/// <summary>A step of a rollout, on one instance.</summary>
public abstract record RolloutStep(string Instance);

/// <summary>Create a pod from the current template to take over <paramref name="Replaces"/>'s role (the surge instance).</summary>
public sealed record CreateReplacement(string Replaces, InstanceRole Role) : RolloutStep(Replaces);

/// <summary>The replacement reported (standby or warm): activate it in the role of the instance it replaces.</summary>
public sealed record ActivateReplacement(string Instance, InstanceRole Role, string Replaces) : RolloutStep(Instance);

/// <summary>The replacement serves: take the outdated instance out of routing, then drain it (its in-flight requests finish).</summary>
public sealed record RetireOutdated(string Instance, string ReplacedBy) : RolloutStep(Instance);

/// <summary>Delete an outdated instance that serves nothing (drained, warm, standby or never started).</summary>
public sealed record DeleteOutdated(string Instance, string? ReplacedBy) : RolloutStep(Instance);

/// <summary>
/// Why the rollout cannot proceed: the replacement <paramref name="Instance"/> has not served within the deadline
/// (<paramref name="PastDeadline"/>) or its pod cannot start. The outdated instances keep serving meanwhile.
/// </summary>
public sealed record RolloutStall(string Instance, string Message, bool PastDeadline);

/// <summary>
/// What the rollout does this tick and what it reports. <paramref name="Hidden"/>: instances the scaling policy must not
/// see (a replacement not serving yet, an outdated instance whose replacement serves), so the policy counts each
/// instance once and never acts on one the rollout is moving. <paramref name="StopRouting"/>: outdated instances routers
/// must not send new work to. <paramref name="Updated"/> of <paramref name="Total"/> instances run the current template.
/// </summary>
public sealed record RolloutPlan(
    IReadOnlyList<RolloutStep> Steps,
    IReadOnlySet<string> Hidden,
    IReadOnlySet<string> StopRouting,
    int Updated,
    int Total,
    int Outdated,
    RolloutStall? Stall)
{
    /// <summary>Nothing to roll: every instance runs the current template.</summary>
    public static readonly RolloutPlan Idle = new([], new HashSet<string>(), new HashSet<string>(), 0, 0, 0, null);

    /// <summary>True while any instance runs an outdated template.</summary>
    public bool InProgress => Outdated > 0;

    /// <summary>"2 of 4 instances updated".</summary>
    public string Progress => $"{Updated} of {Total} instances updated";
}
