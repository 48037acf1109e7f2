using System.Diagnostics;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Tandem.Api.V1Alpha1;
using Tandem.Operator.Deployments;
using Tandem.Operator.Instances;
using Tandem.Runtime;
using Tandem.Runtime.Client;
using Tandem.Scaling.Lifecycle;
using Tandem.Scaling.Policies;

namespace Tandem.Operator.Autoscaling;

/// <summary>
/// One autoscaler tick for one InferenceDeployment: observe the fleet, run the policy, carry out its actions, label
/// pods with their role and state, send the router its membership, and (operator mode) write EnginePool replicas.
/// </summary>
public sealed class DeploymentScaler(
    FleetObserver observer,
    ActionExecutor executor,
    MembershipPublisher membership,
    ICache<EnginePool> poolCache,
    IResourceClient<EnginePool> pools,
    IResourceClient<V1Pod> podClient,
    AutoscalerMetrics metrics,
    ILogger<DeploymentScaler> logger)
{
    public async Task<ScalingDecision> TickAsync(InferenceDeployment deployment, ModelProfile profile, DeploymentScalingState state, DateTimeOffset now, CancellationToken cancel)
    {
        var started = Stopwatch.GetTimestamp();
        var ns = deployment.Metadata.NamespaceProperty;
        var name = deployment.Metadata.Name;
        var fleet = observer.Observe(deployment, state, now);
        RecordDurations(state, fleet, now);

        var external = deployment.Spec.Scaling.Mode == ScalingMode.External;
        var prefillPool = poolCache.Get(ns, ChildResources.PoolName(name, InstanceRole.Prefill));
        var decodePool = poolCache.Get(ns, ChildResources.PoolName(name, InstanceRole.Decode));
        var bounds = SpecMapping.ToBounds(deployment.Spec,
            external ? prefillPool?.Spec.Replicas ?? deployment.Spec.Scaling.Prefill.Min : null,
            external ? decodePool?.Spec.Replicas ?? deployment.Spec.Scaling.Decode.Min : null);
        var input = new ScalingInput(now, SpecMapping.ToModelNumbers(profile), bounds, fleet.Load, fleet.Instances.Select(i => i.View).ToArray());
        var decision = state.Policy.Decide(input);

        var drains = decision.Actions.OfType<Drain>().Select(d => d.InstanceId).ToHashSet(StringComparer.Ordinal);
        if (drains.Count > 0)
        {
            // Removal order: stop routing to the instance, then drain it.
            await membership.PublishAsync(deployment, fleet, state, now, cancel, drains).ConfigureAwait(false);
        }

        var acted = await executor.ExecuteAsync(deployment, profile, fleet, decision, state, now, cancel).ConfigureAwait(false);
        await SyncLabelsAsync(fleet, cancel).ConfigureAwait(false);
        await membership.PublishAsync(deployment, fleet, state, now, cancel).ConfigureAwait(false);
        if (!external)
        {
            await WriteReplicasAsync(prefillPool, decision.Prefill.Desired, cancel).ConfigureAwait(false);
            await WriteReplicasAsync(decodePool, decision.Decode.Desired, cancel).ConfigureAwait(false);
        }

        Remember(state, decision, acted, now);
        state.UnschedulablePods = fleet.UnschedulablePods;
        Export(ns, name, fleet, decision);
        metrics.DecisionDuration.Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
        if (acted > 0)
        {
            logger.LogInformation("{Kind}/{Namespace}/{Name}: prefill {PrefillCurrent}->{PrefillDesired}, decode {DecodeCurrent}->{DecodeDesired}: {Reason}",
                InferenceDeployment.KubeKind, ns, name, decision.Prefill.Current, decision.Prefill.Desired, decision.Decode.Current, decision.Decode.Desired, decision.Reason);
        }

        return decision;
    }

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

    /// <summary>Pods carry their instance's role and state as labels, so Services, EndpointSlices and kubectl see them.</summary>
    private async Task SyncLabelsAsync(FleetObservation fleet, CancellationToken cancel)
    {
        foreach (var instance in fleet.Instances)
        {
            var state = InstanceLabels.Text(instance.View.State);
            var role = instance.View.Role is { } r ? InstanceLabels.Text(r) : null;
            if (InstanceLabels.Label(instance.Pod, WellKnownLabels.State) == state && InstanceLabels.Label(instance.Pod, WellKnownLabels.Role) == role)
            {
                continue;
            }

            var patch = new Dictionary<string, object?> { ["metadata"] = new Dictionary<string, object?> { ["labels"] = new Dictionary<string, string?> { [WellKnownLabels.State] = state, [WellKnownLabels.Role] = role } } };
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
