using System.Diagnostics;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Tandem.Api.V1Alpha1;
using Tandem.Operator.Instances;
using Tandem.Operator.Rollouts;
using Tandem.Operator.Specs;
using Tandem.Runtime;
using Tandem.Runtime.Client;
using Tandem.Scaling.Lifecycle;
using Tandem.Scaling.Policies;

namespace Tandem.Operator.Autoscaling;

/// <summary>What one tick did: the decision (null when it waited for engines' first status), and its actions' results.</summary>
public sealed record TickOutcome(ScalingDecision? Decision, ActionResults Actions, int AwaitingStatus, IReadOnlyList<string> UnknownEngines, bool RoutersBehind)
{
    /// <summary>The tick waited: some engines have not reported since this process started watching them.</summary>
    public bool Waited => Decision is null;
}

/// <summary>
/// One autoscaler tick for one InferenceDeployment: observe the fleet, run the policy, carry out its actions, label
/// pods with their role and state (and the timers a successor needs, as annotations), send the router its membership,
/// and (operator mode) write EnginePool replicas. Every write and call is fenced by leadership. While engines that are
/// known to run have not reported yet (a restarted operator), the tick does nothing: no empty membership, no pod
/// relabelled pending, no replica count written down and up.
/// </summary>
public sealed class DeploymentScaler(
    FleetObserver observer,
    ActionExecutor executor,
    MembershipPublisher membership,
    RolloutExecutor rollouts,
    ICache<EnginePool> poolCache,
    IResourceClient<EnginePool> pools,
    IResourceClient<V1Pod> podClient,
    AutoscalerMetrics metrics,
    ILogger<DeploymentScaler> logger,
    LeaderFence? fence = null)
{
    public async Task<TickOutcome> TickAsync(InferenceDeployment deployment, ModelProfile profile, DeploymentScalingState state, DateTimeOffset now, CancellationToken cancel)
    {
        var started = Stopwatch.GetTimestamp();
        var ns = deployment.Metadata.NamespaceProperty;
        var name = deployment.Metadata.Name;
        var fleet = observer.Observe(deployment, state, now);
        var unknown = fleet.Instances.Where(i => i.Unknown).Select(i => i.Pod.Metadata.Name).Order(StringComparer.Ordinal).ToArray();
        if (fleet.AwaitingStatus > 0)
        {
            logger.LogDebug("{Kind}/{Namespace}/{Name}: waiting for the first status of {Count} engine(s) before acting", InferenceDeployment.KubeKind, ns, name, fleet.AwaitingStatus);
            return new TickOutcome(null, new ActionResults(0, 0, []), fleet.AwaitingStatus, unknown, false);
        }

        RecordDurations(state, fleet, now);

        // A spec or profile change that needs new pods rolls out instance by instance; the policy sees each instance
        // once (a replacement not serving yet, or an outdated instance whose replacement serves, is out of its view).
        var rollout = RolloutPlanner.Plan(RolloutInstances(fleet), EnginePodBuilder.TemplateHash(deployment, profile), now);
        // An engine that does not answer is no capacity either, not even capacity on its way: counted as a pending pod
        // it would stand in for the replacement a scale-up needs (the policy cannot act on it anyway).
        var policyView = fleet with { Instances = fleet.Instances.Where(i => !i.Unknown && !rollout.Hidden.Contains(i.Pod.Metadata.Name)).ToArray() };

        var external = deployment.Spec.Scaling.Mode == ScalingMode.External;
        var prefillPool = poolCache.Get(ns, InstanceNaming.PoolName(name, InstanceRole.Prefill));
        var decodePool = poolCache.Get(ns, InstanceNaming.PoolName(name, InstanceRole.Decode));
        var bounds = SpecMapping.ToBounds(deployment.Spec,
            external ? prefillPool?.Spec.Replicas ?? deployment.Spec.Scaling.Prefill.Min : null,
            external ? decodePool?.Spec.Replicas ?? deployment.Spec.Scaling.Decode.Min : null);
        var input = new ScalingInput(now, SpecMapping.ToModelNumbers(profile), bounds, fleet.Load, policyView.Instances.Select(i => i.View).ToArray());
        var decision = state.Policy.Decide(input);

        var drains = decision.Actions.OfType<Drain>().Select(d => d.InstanceId).ToHashSet(StringComparer.Ordinal);
        var stopRouting = drains.Union(rollout.StopRouting, StringComparer.Ordinal).ToHashSet(StringComparer.Ordinal);
        var routingStopped = true;
        if (stopRouting.Count > 0)
        {
            // Removal order: stop routing to the instance, then drain it. A router that did not take the change could
            // still send it work, so the drains wait for a tick where every router did.
            routingStopped = await membership.PublishAsync(deployment, fleet, state, now, cancel, stopRouting).ConfigureAwait(false);
            if (!routingStopped && drains.Count > 0)
            {
                logger.LogWarning("{Kind}/{Namespace}/{Name}: not draining {Instances}: a router has not stopped routing to them yet", InferenceDeployment.KubeKind, ns, name, string.Join(", ", drains));
                decision = decision with { Actions = decision.Actions.Where(a => a is not Drain).ToArray() };
                drains.Clear();
            }
        }

        var results = await executor.RunAsync(deployment, profile, fleet, decision, state, now, cancel).ConfigureAwait(false);
        var rolloutFailed = await rollouts.RunAsync(deployment, profile, fleet, rollout, routingStopped, state, now, cancel).ConfigureAwait(false);
        var acted = results.Done;
        await SyncLabelsAsync(fleet, state, cancel).ConfigureAwait(false);
        // Instances that were just told to drain (or are being retired) stay out of routing in what this tick publishes:
        // the observation above still shows them active.
        var stillStopped = drains.Union(routingStopped ? rollout.StopRouting : [], StringComparer.Ordinal).ToHashSet(StringComparer.Ordinal);
        var routersTookIt = await membership.PublishAsync(deployment, fleet, state, now, cancel, stillStopped.Count > 0 ? stillStopped : null).ConfigureAwait(false);
        if (!external)
        {
            await WriteReplicasAsync(prefillPool, decision.Prefill.Desired, cancel).ConfigureAwait(false);
            await WriteReplicasAsync(decodePool, decision.Decode.Desired, cancel).ConfigureAwait(false);
        }

        Remember(state, decision, acted, now);
        state.UnschedulablePods = fleet.UnschedulablePods;
        state.Rollout = rollout;
        Export(ns, name, fleet, decision);
        metrics.DecisionDuration.Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
        if (acted > 0)
        {
            logger.LogInformation("{Kind}/{Namespace}/{Name}: prefill {PrefillCurrent}->{PrefillDesired}, decode {DecodeCurrent}->{DecodeDesired}: {Reason}",
                InferenceDeployment.KubeKind, ns, name, decision.Prefill.Current, decision.Prefill.Desired, decision.Decode.Current, decision.Decode.Desired, decision.Reason);
        }

        return new TickOutcome(decision, results with { Failed = results.Failed + rolloutFailed }, 0, unknown, !routersTookIt);
    }

    /// <summary>The rollout's view of the observed engine pods: template, state, role, pairing and start problems.</summary>
    private static RolloutInstance[] RolloutInstances(FleetObservation fleet) => fleet.Instances.Select(i => new RolloutInstance(
        i.Pod.Metadata.Name,
        PodTemplateHash.Read(i.Pod),
        i.View.State,
        i.View.Role,
        i.Unknown,
        InstanceAnnotations.Read(i.Pod, InstanceAnnotations.Replaces),
        i.Pod.Metadata.CreationTimestamp is { } created ? new DateTimeOffset(DateTime.SpecifyKind(created, DateTimeKind.Utc)) : null,
        PodProblems.Of(i.Pod))).ToArray();

    private void RecordDurations(DeploymentScalingState state, FleetObservation fleet, DateTimeOffset now)
    {
        foreach (var instance in fleet.Instances)
        {
            var id = instance.Pod.Metadata.Name;
            if (instance.View.State == InstanceState.Active && state.ActivationsStarted.Remove(id, out var activated))
            {
                metrics.Activation.Observe((now - activated).TotalSeconds);
            }

            if (instance.View.State is InstanceState.Warm or InstanceState.Standby && state.DrainsStarted.Remove(id, out var drained))
            {
                metrics.Drain.Observe((now - drained).TotalSeconds);
            }
        }
    }

    /// <summary>
    /// Pods carry their instance's role and state as labels, so Services, EndpointSlices and kubectl see them, and as
    /// annotations since when, and when a drain or activation began, so a successor continues the timers. Unknown
    /// instances are left as they are.
    /// </summary>
    private async Task SyncLabelsAsync(FleetObservation fleet, DeploymentScalingState memory, CancellationToken cancel)
    {
        foreach (var instance in fleet.Instances.Where(i => !i.Unknown))
        {
            var id = instance.Pod.Metadata.Name;
            var state = InstanceLabels.Text(instance.View.State);
            var role = instance.View.Role is { } r ? InstanceLabels.Text(r) : null;
            var since = InstanceAnnotations.FormatStateSince(instance.View.State, instance.View.StateSince);
            string? drain;
            string? activation;
            lock (memory)
            {
                drain = memory.DrainsStarted.TryGetValue(id, out var d) ? InstanceAnnotations.Format(d) : null;
                activation = memory.ActivationsStarted.TryGetValue(id, out var a) ? InstanceAnnotations.Format(a) : null;
            }

            if (InstanceLabels.Label(instance.Pod, WellKnownLabels.State) == state && InstanceLabels.Label(instance.Pod, WellKnownLabels.Role) == role
                && InstanceAnnotations.Read(instance.Pod, InstanceAnnotations.StateSince) == since
                && InstanceAnnotations.Read(instance.Pod, InstanceAnnotations.DrainStarted) == drain
                && InstanceAnnotations.Read(instance.Pod, InstanceAnnotations.ActivationStarted) == activation)
            {
                continue;
            }

            var patch = new Dictionary<string, object?>
            {
                ["metadata"] = new Dictionary<string, object?>
                {
                    ["labels"] = new Dictionary<string, string?> { [WellKnownLabels.State] = state, [WellKnownLabels.Role] = role },
                    ["annotations"] = new Dictionary<string, string?>
                    {
                        [InstanceAnnotations.StateSince] = since,
                        [InstanceAnnotations.DrainStarted] = drain,
                        [InstanceAnnotations.ActivationStarted] = activation,
                    },
                },
            };
            fence?.Check($"label pod {id}");
            try
            {
                await podClient.PatchAsync(instance.Pod.Metadata.NamespaceProperty, instance.Pod.Metadata.Name,
                    new V1Patch(k8s.KubernetesJson.Serialize(patch), V1Patch.PatchType.MergePatch), cancel).ConfigureAwait(false);
            }
            catch (k8s.Autorest.HttpOperationException error) when (error.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                // The pod went away between the cache read and the patch.
            }
        }
    }

    private async Task WriteReplicasAsync(EnginePool? pool, int desired, CancellationToken cancel)
    {
        if (pool is null || pool.Spec.Replicas == desired)
        {
            return;
        }

        fence?.Check($"scale {pool.Metadata.Name}");
        var patch = "{\"spec\":{\"replicas\":" + desired.ToString(System.Globalization.CultureInfo.InvariantCulture) + "}}";
        await pools.PatchAsync(pool.Metadata.NamespaceProperty, pool.Metadata.Name, new V1Patch(patch, V1Patch.PatchType.MergePatch), cancel).ConfigureAwait(false);
    }

    private static void Remember(DeploymentScalingState state, ScalingDecision decision, int acted, DateTimeOffset now)
    {
        state.LastDecision = decision;
        state.LastDecisionTime = now;
        foreach (var role in new[] { InstanceRole.Prefill, InstanceRole.Decode })
        {
            var target = decision.For(role);
            if (target.Desired != target.Current && acted > 0)
            {
                var direction = target.Desired > target.Current ? "up" : "down";
                state.LastChange = (role, target.Current, target.Desired, direction == "up" ? "AboveBand" : "BelowBand",
                    $"{InstanceLabels.Text(role)} {target.Current} -> {target.Desired}: {decision.Reason}");
                state.LastScaleTime = now;
            }
        }
    }

    private void Export(string ns, string name, FleetObservation fleet, ScalingDecision decision)
    {
        foreach (var role in new InstanceRole?[] { InstanceRole.Prefill, InstanceRole.Decode, null })
        {
            foreach (var instanceState in Enum.GetValues<InstanceState>())
            {
                var count = fleet.Instances.Count(i => i.View.Role == role && i.View.State == instanceState);
                metrics.Instances.WithLabels(ns, name, role is { } r ? InstanceLabels.Text(r) : "none", InstanceLabels.Text(instanceState)).Set(count);
            }
        }

        metrics.PrefillUtilization.WithLabels(ns, name).Set(decision.Prefill.Utilization);
        metrics.DecodeUtilization.WithLabels(ns, name).Set(decision.Decode.Utilization);
        metrics.MigrationUtilization.WithLabels(ns, name).Set(decision.MigrationUtilization);
        metrics.Desired.WithLabels(ns, name, "prefill").Set(decision.Prefill.Desired);
        metrics.Desired.WithLabels(ns, name, "decode").Set(decision.Decode.Desired);
    }
}
