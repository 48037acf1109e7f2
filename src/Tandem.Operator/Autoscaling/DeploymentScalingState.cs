using System.Collections.Concurrent;
using Tandem.Runtime;
using Tandem.Runtime.Controllers;
using Tandem.Scaling.Lifecycle;
using Tandem.Scaling.Policies;

namespace Tandem.Operator.Autoscaling;

/// <summary>
/// What the autoscaler remembers about one InferenceDeployment between ticks: its policy object (policies with
/// windows keep memory in it), when each instance entered its state, pending activations and drains (for their
/// durations), the last decision, and the router membership last sent. Rebuilt from the world after a restart.
/// </summary>
public sealed class DeploymentScalingState(string policyName)
{
    public string PolicyName { get; } = policyName;

    public IScalingPolicy Policy { get; } = ScalingPolicies.Create(policyName);

    public DateTimeOffset NextTick { get; set; } = DateTimeOffset.MinValue;

    /// <summary>When the last tick ran (it decided).</summary>
    public DateTimeOffset LastTick { get; set; } = DateTimeOffset.MinValue;

    /// <summary>The state each instance was last seen in, and since when.</summary>
    public Dictionary<string, (InstanceState State, DateTimeOffset Since)> Seen { get; } = new(StringComparer.Ordinal);

    /// <summary>When an Activate was sent, per instance (cleared when it is seen Active).</summary>
    public Dictionary<string, DateTimeOffset> ActivationsStarted { get; } = new(StringComparer.Ordinal);

    /// <summary>When a Drain was sent, per instance (cleared when it is seen Warm).</summary>
    public Dictionary<string, DateTimeOffset> DrainsStarted { get; } = new(StringComparer.Ordinal);

    public ScalingDecision? LastDecision { get; set; }

    public DateTimeOffset? LastDecisionTime { get; set; }

    /// <summary>The last decision that changed a pool, and when.</summary>
    public (InstanceRole Role, int From, int To, string Reason, string Message)? LastChange { get; set; }

    public DateTimeOffset? LastScaleTime { get; set; }

    public long MembershipVersion { get; set; }

    public string? MembershipFingerprint { get; set; }

    /// <summary>Unschedulable engine pods seen at the last tick (insufficient GPU capacity).</summary>
    public int UnschedulablePods { get; set; }

    /// <summary>The rollout as planned at the last tick (instances on an outdated template, and any stall).</summary>
    public Rollouts.RolloutPlan? Rollout { get; set; }

    /// <summary>What the pools and engine pods looked like at the last tick; a change runs the next tick at once.</summary>
    public string? InputFingerprint { get; set; }

    /// <summary>The last tick failed in part; the next one runs when the key's backoff ends, not at the interval.</summary>
    public bool RetryPending { get; set; }

    /// <summary>Engines whose status stream broke or went quiet at the last tick (out of router membership).</summary>
    public IReadOnlyList<string> UnknownEngines { get; set; } = [];

    /// <summary>Instances that did not answer an action at the last tick.</summary>
    public IReadOnlyList<string> UnresponsiveEngines { get; set; } = [];

    /// <summary>The last router found holding a membership version the operator never published, and when.</summary>
    public (string Message, DateTimeOffset At)? RouterAhead { get; set; }
}

/// <summary>
/// The autoscaler's memory of every deployment (its own, used by one tick at a time per deployment), and the immutable
/// <see cref="ScalingReport"/> it publishes after each tick for the InferenceDeployment reconciler to put in status.
/// A publish that changes what status shows enqueues that reconciler (it is a trigger of it), so status follows the
/// autoscaler without polling: at once for a decision, a scale, membership or an engine that stopped answering;
/// utilization alone at most once per <see cref="UtilizationPace"/> (it moves on every tick under load).
/// </summary>
public sealed class ScalingStateStore(TimeProvider? time = null) : IReconcileTrigger
{
    /// <summary>The least time between two status refreshes a change of utilization alone brings.</summary>
    public static readonly TimeSpan UtilizationPace = TimeSpan.FromSeconds(5);

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ConcurrentDictionary<(string Namespace, string Name), DeploymentScalingState> _states = new();
    private readonly ConcurrentDictionary<(string Namespace, string Name), ScalingReport> _reports = new();

    // What status last got told about, per deployment: the report's status fields and when.
    private readonly ConcurrentDictionary<(string Namespace, string Name), (string Major, string Minor, DateTimeOffset At)> _told = new();
    private Action<ReconcileRequest>? _subscribers;

    /// <summary>Replaces the deployment's report, and triggers a status refresh when it changed what status shows.</summary>
    public void Publish(string ns, string name, ScalingReport report)
    {
        _reports[(ns, name)] = report;
        var (major, minor) = report.StatusFingerprint();
        var now = _time.GetUtcNow();
        var told = _told.GetValueOrDefault((ns, name));
        if (major == told.Major && (minor == told.Minor || now - told.At < UtilizationPace))
        {
            return;
        }

        _told[(ns, name)] = (major, minor, now);
        _subscribers?.Invoke(new ReconcileRequest(ns, name));
    }

    /// <summary>Enqueues the InferenceDeployment reconciler on changes (see the type's summary).</summary>
    public void Subscribe(Action<ReconcileRequest> enqueue) => _subscribers += enqueue;

    /// <summary>The deployment's last report, if the autoscaler has ticked it.</summary>
    public ScalingReport? Report(string ns, string name) => _reports.GetValueOrDefault((ns, name));

    /// <summary>The state of a deployment, made (or remade when the policy changed) on demand.</summary>
    public DeploymentScalingState For(string ns, string name, string policyName) =>
        _states.AddOrUpdate((ns, name), _ => new DeploymentScalingState(policyName), (_, existing) => existing.PolicyName == policyName ? existing : new DeploymentScalingState(policyName));

    /// <summary>The state if the autoscaler has one.</summary>
    public DeploymentScalingState? Find(string ns, string name) => _states.GetValueOrDefault((ns, name));

    /// <summary>Forgets a deleted deployment.</summary>
    public void Remove(string ns, string name)
    {
        _states.TryRemove((ns, name), out _);
        _reports.TryRemove((ns, name), out _);
        _told.TryRemove((ns, name), out _);
    }

    /// <summary>Keys of every deployment with state.</summary>
    public IReadOnlyCollection<(string Namespace, string Name)> Keys => _states.Keys.ToArray();
}
