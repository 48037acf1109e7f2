using Tandem.Scaling.Lifecycle;
using Tandem.Scaling.Policies;

namespace Tandem.Operator.Autoscaling;

/// <summary>
/// What the autoscaler reports about one deployment after a tick: an immutable snapshot, published whole, so the status
/// builder (on the InferenceDeployment reconciler's thread) never reads the autoscaler's working memory.
/// </summary>
public sealed record ScalingReport
{
    public ScalingDecision? LastDecision { get; init; }

    public DateTimeOffset? LastDecisionTime { get; init; }

    /// <summary>The last decision that changed a pool.</summary>
    public (InstanceRole Role, int From, int To, string Reason, string Message)? LastChange { get; init; }

    public DateTimeOffset? LastScaleTime { get; init; }

    /// <summary>The router membership version last published.</summary>
    public long MembershipVersion { get; init; }

    /// <summary>Unschedulable engine pods seen at the last tick (insufficient GPU capacity).</summary>
    public int UnschedulablePods { get; init; }

    /// <summary>Engines whose status stream broke or went quiet at the last tick (out of router membership).</summary>
    public IReadOnlyList<string> UnknownEngines { get; init; } = [];

    /// <summary>Instances that did not answer an action at the last tick.</summary>
    public IReadOnlyList<string> UnresponsiveEngines { get; init; } = [];

    /// <summary>The rollout at the last tick: progress and any stall; null before the first tick.</summary>
    public Rollouts.RolloutPlan? Rollout { get; init; }

    /// <summary>The last router found ahead of the operator's membership (corrected), and when.</summary>
    public (string Message, DateTimeOffset At)? RouterAhead { get; init; }

    /// <summary>Every instance that did not answer at the last tick (Unknown or unresponsive), once each, by name.</summary>
    public IReadOnlyList<string> NotResponding => UnknownEngines.Union(UnresponsiveEngines, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();

    /// <summary>
    /// The fields status shows, as two strings: <c>Major</c> (decision targets and limits, last change, membership,
    /// capacity, engines not answering) and <c>Minor</c> (utilizations, which move on every tick under load).
    /// </summary>
    public (string Major, string Minor) StatusFingerprint()
    {
        var d = LastDecision;
        var major = string.Join('|',
            d is null ? "-" : $"{d.Prefill.Desired},{d.Prefill.LimitedByMax},{d.Prefill.LimitedByMin},{d.Prefill.LimitedByRatio};{d.Decode.Desired},{d.Decode.LimitedByMax},{d.Decode.LimitedByMin},{d.Decode.LimitedByRatio}",
            LastChange?.ToString() ?? "-", LastScaleTime?.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-",
            MembershipVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), UnschedulablePods.ToString(System.Globalization.CultureInfo.InvariantCulture),
            string.Join(',', NotResponding));
        var minor = d is null ? "-" : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{d.Prefill.Utilization:R},{d.Decode.Utilization:R},{d.MigrationUtilization:R}");
        return (major, minor);
    }

    /// <summary>A snapshot of <paramref name="state"/>'s reportable part.</summary>
    public static ScalingReport Of(DeploymentScalingState state) => new()
    {
        LastDecision = state.LastDecision,
        LastDecisionTime = state.LastDecisionTime,
        LastChange = state.LastChange,
        LastScaleTime = state.LastScaleTime,
        MembershipVersion = state.MembershipVersion,
        UnschedulablePods = state.UnschedulablePods,
        UnknownEngines = state.UnknownEngines.ToArray(),
        UnresponsiveEngines = state.UnresponsiveEngines.ToArray(),
        Rollout = state.Rollout,
        RouterAhead = state.RouterAhead,
    };
}
