using System.Globalization;
using k8s.Models;
using Tandem.Api.V1Alpha1;
using Tandem.Operator.Autoscaling;
using Tandem.Operator.Conditions;
using Tandem.Operator.Instances;
using Tandem.Runtime;
using Tandem.Scaling.Lifecycle;

namespace Tandem.Operator.Deployments;

/// <summary>
/// Computes an InferenceDeployment's status from its pods (role and state labels), pools and the autoscaler's report.
/// Call it on a copy of the object (as <c>UpdateStatusAsync</c> passes): the status is updated in place.
/// </summary>
public static class DeploymentStatusBuilder
{
    public static InferenceDeploymentStatus Build(InferenceDeployment deployment, ICache<V1Pod> pods, ICache<EnginePool> pools, ScalingReport? state, DateTimeOffset now)
    {
        var ns = deployment.Metadata.NamespaceProperty;
        var name = deployment.Metadata.Name;
        var generation = deployment.Metadata.Generation;
        var engines = pods.List(ns, InstanceLabels.EngineSelector(name)).Where(p => p.Metadata.DeletionTimestamp is null).ToArray();
        var decision = state?.LastDecision;
        // The caller hands a copy (UpdateStatusAsync clones before mutating), so the status is changed in place.
        var status = deployment.Status ?? new InferenceDeploymentStatus();
        status.ObservedGeneration = generation;
        // An engine that does not answer keeps its labels (it may come back) but is not ready capacity.
        var silent = (state?.NotResponding ?? []).ToHashSet(StringComparer.Ordinal);
        status.Prefill = Role(engines, silent, InstanceRole.Prefill, decision?.Prefill.Desired ?? pools.Get(ns, InstanceNaming.PoolName(name, InstanceRole.Prefill))?.Spec.Replicas, decision?.Prefill.Utilization);
        status.Decode = Role(engines, silent, InstanceRole.Decode, decision?.Decode.Desired ?? pools.Get(ns, InstanceNaming.PoolName(name, InstanceRole.Decode))?.Spec.Replicas, decision?.Decode.Utilization);
        status.Migration = decision?.MigrationUtilization;
        status.StandbyReplicas = engines.Count(p => InstanceLabels.StateOf(p) == InstanceState.Standby);
        status.WarmReplicas = engines.Count(p => InstanceLabels.StateOf(p) == InstanceState.Warm);
        status.PendingPods = engines.Count(p => InstanceLabels.StateOf(p) == InstanceState.Pending);
        status.LastScaleTime = state?.LastScaleTime?.UtcDateTime ?? status.LastScaleTime;
        status.RouterMembershipVersion = state?.MembershipVersion is > 0 ? state.MembershipVersion : status.RouterMembershipVersion;
        if (state?.LastChange is { } change)
        {
            status.LastDecision = new DecisionRecord
            {
                Time = state.LastScaleTime?.UtcDateTime,
                Role = InstanceLabels.Text(change.Role),
                Direction = change.To > change.From ? "up" : change.To < change.From ? "down" : "none",
                From = change.From,
                To = change.To,
                Reason = change.Reason,
                Message = Trim(change.Message),
            };
        }

        var routerReady = pods.List(ns, $"{WellKnownLabels.Deployment}={name},{WellKnownLabels.Component}={InstanceLabels.Components.Router}").Any(IsReady);
        SetConditions(deployment, status, state, routerReady, generation, now);
        return status;
    }

    private static void SetConditions(InferenceDeployment deployment, InferenceDeploymentStatus status, ScalingReport? state, bool routerReady, long? generation, DateTimeOffset now)
    {
        var prefill = status.Prefill!;
        var decode = status.Decode!;
        var rolesReady = prefill.ReadyReplicas >= Math.Max(1, prefill.DesiredReplicas) && decode.ReadyReplicas >= Math.Max(1, decode.DesiredReplicas);
        var ready = rolesReady && routerReady;
        var readyMessage = ready
            ? $"prefill {prefill.Summary}, decode {decode.Summary} ready; router ready"
            : $"prefill {prefill.Summary}, decode {decode.Summary} ready; router {(routerReady ? "ready" : "not ready")}";
        var c = status.Conditions;
        c = ConditionSet.Set(c, ConditionTypes.Ready, ready, ready ? ConditionTypes.Reasons.AllReplicasReady : ConditionTypes.Reasons.ReplicasNotReady, readyMessage, generation, now);

        var rollout = state?.Rollout is { InProgress: true } r ? r : null;
        var moving = prefill.Replicas != prefill.DesiredReplicas || decode.Replicas != decode.DesiredReplicas || status.PendingPods > 0;
        c = rollout is not null
            ? ConditionSet.Set(c, ConditionTypes.Progressing, true, ConditionTypes.Reasons.RollingOut, $"rolling out a new engine pod template: {rollout.Progress}", generation, now)
            : ConditionSet.Set(c, ConditionTypes.Progressing, moving, moving ? ConditionTypes.Reasons.Scaling : ConditionTypes.Reasons.Converged,
                moving ? $"prefill {prefill.Replicas}->{prefill.DesiredReplicas}, decode {decode.Replicas}->{decode.DesiredReplicas}" : "every pool is at its desired size", generation, now);

        var unschedulable = state?.UnschedulablePods ?? 0;
        var silent = state?.NotResponding ?? [];
        var wasCapacity = c.FirstOrDefault(x => x.Type == ConditionTypes.Degraded) is { Status: "True", Reason: ConditionTypes.Reasons.InsufficientCapacity };
        var (degraded, degradedReason, degradedMessage) = rollout?.Stall is { } stall
            ? (true, ConditionTypes.Reasons.RolloutStalled, $"{stall.Message}; the outdated instances keep serving ({rollout.Progress})")
            : Degraded(unschedulable, silent);
        if (!degraded && state?.RouterAhead is { } ahead && now - ahead.At < ConditionTypes.RouterAheadShownFor)
        {
            (degraded, degradedReason, degradedMessage) = (true, ConditionTypes.Reasons.RouterMembershipAhead, ahead.Message);
        }

        c = ConditionSet.Set(c, ConditionTypes.Degraded, degraded, degradedReason, degradedMessage, generation, now);
        if (unschedulable > 0 && !wasCapacity)
        {
            // Degraded stayed True (engines not responding) while capacity became the problem: the stall clock below
            // counts from now, not from when the engines stopped answering.
            c.First(x => x.Type == ConditionTypes.Degraded).LastTransitionTime = now.UtcDateTime;
        }

        var external = deployment.Spec.Scaling.Mode == ScalingMode.External;
        c = ConditionSet.Set(c, ConditionTypes.AbleToScale, true, ConditionTypes.Reasons.ReadyForNewScale,
            (external ? "external mode: EnginePool replicas are clamped to the bounds and carried out" : "the autoscaler may change both pools")
            + (VllmServeCommand.Fallbacks(deployment.Spec) is { } fallback ? "; " + fallback : ""), generation, now);
        var active = state?.LastDecision is not null;
        c = ConditionSet.Set(c, ConditionTypes.ScalingActive, active, external ? ConditionTypes.Reasons.ExternalMode : active ? ConditionTypes.Reasons.ValidMetrics : ConditionTypes.Reasons.NoMetrics,
            active ? $"deciding every {deployment.Spec.Scaling.Interval} with policy {deployment.Spec.Scaling.Policy.ToString().ToLowerInvariant()}" : "waiting for the first observation", generation, now);

        var (limited, reason, message) = Limited(state, unschedulable);
        c = ConditionSet.Set(c, ConditionTypes.ScalingLimited, limited, reason, message, generation, now);

        // kstatus: Stalled when pods stayed unschedulable past StallAfter (needs more nodes, or lower bounds); engines
        // that do not answer never stall it (they may come back, and the autoscaler keeps acting on the rest); else
        // Reconciling until Ready, so helm --wait and Flux wait exactly as long as the deployment converges.
        var degradedSince = c.First(x => x.Type == ConditionTypes.Degraded).LastTransitionTime;
        var rolloutStalled = rollout?.Stall is { PastDeadline: true };
        var capacityStalled = unschedulable > 0 && degradedSince is { } since && now.UtcDateTime - since >= ConditionTypes.StallAfter;
        var stalled = rolloutStalled || capacityStalled;
        c = ConditionSet.Set(c, ConditionTypes.Stalled, stalled,
            rolloutStalled ? ConditionTypes.Reasons.RolloutStalled : stalled ? ConditionTypes.Reasons.InsufficientCapacity : ConditionTypes.Reasons.Converged,
            rolloutStalled ? $"{rollout!.Stall!.Message}: fix the spec (the outdated instances keep serving)"
                : stalled ? $"{unschedulable} engine pod(s) unschedulable for over {ConditionTypes.StallAfter.TotalMinutes:0} min: add GPU nodes or lower the pools' min" : "not stalled", generation, now);
        // kstatus: a rollout in progress is still converging, even while every role is ready.
        var reconciling = (!ready || rollout is not null) && !stalled;
        c = ConditionSet.Set(c, ConditionTypes.Reconciling, reconciling,
            reconciling ? rollout is not null ? ConditionTypes.Reasons.RollingOut : ConditionTypes.Reasons.ReplicasNotReady
                : rolloutStalled ? ConditionTypes.Reasons.RolloutStalled : ready ? ConditionTypes.Reasons.AllReplicasReady : ConditionTypes.Reasons.InsufficientCapacity,
            reconciling ? rollout is not null ? $"rolling out: {rollout.Progress}; {readyMessage}" : readyMessage : ready && !stalled ? "converged" : "stalled: see the Stalled condition", generation, now);
        status.Conditions = c;
    }

    /// <summary>Degraded: capacity first (it alone can stall), then engines that do not answer, named.</summary>
    private static (bool, string, string) Degraded(int unschedulable, IReadOnlyList<string> silent)
    {
        var capacity = unschedulable > 0 ? $"{unschedulable} engine pod(s) cannot be scheduled: insufficient GPU capacity" : null;
        var engines = silent.Count > 0
            ? $"{silent.Count} engine(s) not responding: {Trim(string.Join(", ", silent))}"
            : null;
        return (capacity, engines) switch
        {
            (not null, not null) => (true, ConditionTypes.Reasons.InsufficientCapacity, $"{capacity}; {engines}"),
            (not null, null) => (true, ConditionTypes.Reasons.InsufficientCapacity, capacity),
            (null, not null) => (true, ConditionTypes.Reasons.EnginesNotResponding, engines),
            _ => (false, ConditionTypes.Reasons.AllReplicasReady, "no problem found"),
        };
    }

    private static (bool, string, string) Limited(ScalingReport? state, int unschedulable)
    {
        if (unschedulable > 0)
        {
            return (true, ConditionTypes.Reasons.InsufficientCapacity, $"insufficient capacity: {unschedulable} pod(s) wait for a node with free GPUs");
        }

        if (state?.LastDecision is not { } decision)
        {
            return (false, ConditionTypes.Reasons.WithinBounds, "no decision yet");
        }

        foreach (var (role, target) in new[] { ("prefill", decision.Prefill), ("decode", decision.Decode) })
        {
            if (target.LimitedByMax)
            {
                return (true, ConditionTypes.Reasons.TooManyReplicas, $"{role} wants more instances than max allows");
            }

            if (target.LimitedByMin)
            {
                return (true, ConditionTypes.Reasons.TooFewReplicas, $"{role} would go below min");
            }

            if (target.LimitedByRatio)
            {
                return (true, ConditionTypes.Reasons.RatioGuard, $"{role} held by the prefill:decode ratio guard");
            }
        }

        return (false, ConditionTypes.Reasons.WithinBounds, "the desired counts are within bounds");
    }

    private static RoleStatus Role(IReadOnlyList<V1Pod> engines, IReadOnlySet<string> silent, InstanceRole role, int? desired, double? utilization)
    {
        var active = engines.Where(p => InstanceLabels.RoleOf(p) == role && InstanceLabels.StateOf(p) == InstanceState.Active).ToArray();
        var ready = active.Count(p => IsReady(p) && !silent.Contains(p.Metadata.Name));
        var want = desired ?? active.Length;
        return new RoleStatus
        {
            Replicas = active.Length,
            ReadyReplicas = ready,
            DesiredReplicas = want,
            Utilization = utilization is { } u ? Math.Round(u, 4) : null,
            Summary = $"{ready.ToString(CultureInfo.InvariantCulture)}/{want.ToString(CultureInfo.InvariantCulture)}",
        };
    }

    /// <summary>True when the pod's Ready condition is True.</summary>
    public static bool IsReady(V1Pod pod) => pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;

    private static string Trim(string message) => message.Length <= 240 ? message : message[..237] + "...";
}
