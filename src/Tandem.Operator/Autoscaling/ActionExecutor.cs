using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Tandem.Api.V1Alpha1;
using Tandem.Engines.Clients;
using Tandem.Operator.Instances;
using Tandem.Runtime;
using Tandem.Runtime.Client;
using Tandem.Scaling.Lifecycle;
using Tandem.Scaling.Policies;
using EngineWeightSource = Tandem.Engines.Contract.V1.WeightSource;

namespace Tandem.Operator.Autoscaling;

/// <summary>
/// Carries out a decision's actions: fast-tier calls on engines (Activate, SetRole, Drain, Unload) and slow-tier pod
/// creates and deletes. Each action is logged once and recorded as an Event; a failed action is reported, not fatal.
/// </summary>
public sealed class ActionExecutor(
    EngineFleet fleet,
    IResourceClient<V1Pod> podClient,
    IEventRecorder events,
    AutoscalerMetrics metrics,
    ILogger<ActionExecutor> logger)
{
    /// <summary>Runs every action; returns how many took effect.</summary>
    public async Task<int> ExecuteAsync(InferenceDeployment deployment, ModelProfile profile, FleetObservation fleetNow, ScalingDecision decision,
        DeploymentScalingState state, DateTimeOffset now, CancellationToken cancel)
    {
        var done = 0;
        var byId = fleetNow.Instances.ToDictionary(i => i.Pod.Metadata.Name, StringComparer.Ordinal);
        foreach (var action in decision.Actions)
        {
            try
            {
                var (reason, role, direction, note) = await ExecuteAsync(deployment, profile, fleetNow, byId, action, state, now, cancel).ConfigureAwait(false);
                done++;
                metrics.Decisions.WithLabels(deployment.Metadata.NamespaceProperty, deployment.Metadata.Name, role, direction, reason).Inc();
                logger.LogInformation("{Kind}/{Namespace}/{Name}: {Reason}: {Note}", InferenceDeployment.KubeKind, deployment.Metadata.NamespaceProperty, deployment.Metadata.Name, reason, note);
                await events.RecordAsync(deployment, EventTypes.Normal, reason, note, "Scale", cancel).ConfigureAwait(false);
            }
            catch (Exception error) when (error is not OperationCanceledException || !cancel.IsCancellationRequested)
            {
                logger.LogWarning(error, "{Kind}/{Namespace}/{Name}: action {Action} failed", InferenceDeployment.KubeKind, deployment.Metadata.NamespaceProperty, deployment.Metadata.Name, action);
                await events.RecordAsync(deployment, EventTypes.Warning, "ScaleActionFailed", $"{Describe(action)} failed: {error.Message}", "Scale", cancel).ConfigureAwait(false);
            }
        }

        return done;
    }

    private async Task<(string Reason, string Role, string Direction, string Note)> ExecuteAsync(InferenceDeployment deployment, ModelProfile profile, FleetObservation fleetNow,
        Dictionary<string, ObservedInstance> byId, ScalingAction action, DeploymentScalingState state, DateTimeOffset now, CancellationToken cancel)
    {
        switch (action)
        {
            case ActivateStandby activate:
            {
                var instance = Control(byId, activate.InstanceId);
                var source = Source(activate.Source, byId, profile);
                await fleet.EngineClient(instance).ActivateAsync(activate.Role, source, cancel).ConfigureAwait(false);
                state.ActivationsStarted[activate.InstanceId] = now;
                return ("ScaledUp", Text(activate.Role), "up", $"Activating standby instance {activate.InstanceId} as {Text(activate.Role)} (weights from {activate.Source}): {activate.Reason}");
            }

            case ReuseWarm warm:
                await fleet.EngineClient(Control(byId, warm.InstanceId)).ActivateAsync(warm.Role, WeightSources.Storage(), cancel).ConfigureAwait(false);
                state.ActivationsStarted[warm.InstanceId] = now;
                return ("ScaledUp", Text(warm.Role), "up", $"Reusing warm instance {warm.InstanceId} as {Text(warm.Role)}: {warm.Reason}");
            case CancelDrain cancelDrain:
            {
                var role = byId[cancelDrain.InstanceId].View.Role;
                await fleet.EngineClient(Control(byId, cancelDrain.InstanceId)).ActivateAsync(role, WeightSources.Storage(), cancel).ConfigureAwait(false);
                state.DrainsStarted.Remove(cancelDrain.InstanceId);
                return ("DrainCancelled", role is { } r ? Text(r) : "none", "up", $"Cancelled the drain of {cancelDrain.InstanceId}: {cancelDrain.Reason}");
            }

            case Mutate mutate:
                await fleet.EngineClient(Control(byId, mutate.InstanceId)).SetRoleAsync(InstanceRole.Decode, cancel).ConfigureAwait(false);
                return ("RoleChanged", "decode", "up", $"Instance {mutate.InstanceId} changed role prefill -> decode in place: {mutate.Reason}");
            case Drain drain:
            {
                var role = byId[drain.InstanceId].View.Role;
                await fleet.EngineClient(Control(byId, drain.InstanceId)).DrainAsync(cancel: cancel).ConfigureAwait(false);
                state.DrainsStarted[drain.InstanceId] = now;
                return ("Draining", role is { } r ? Text(r) : "none", "down", $"Draining {drain.InstanceId}; it stays warm for scaleDownDelay: {drain.Reason}");
            }

            case Unload unload:
                await fleet.EngineClient(Control(byId, unload.InstanceId)).UnloadAsync(cancel).ConfigureAwait(false);
                return ("Unloaded", "none", "down", $"Instance {unload.InstanceId} unloaded its weights and is standby: {unload.Reason}");
            case CreatePods create:
            {
                var names = InstanceNaming.NextFree(deployment.Metadata.Name, fleetNow.Instances.Select(i => i.Pod.Metadata.Name), create.Count);
                foreach (var name in names)
                {
                    await CreatePodAsync(EnginePodBuilder.Build(deployment, profile, name), cancel).ConfigureAwait(false);
                }

                var why = create.ForRole is { } forRole ? $"cold start for {Text(forRole)}" : "standby buffer";
                return ("PodsCreated", create.ForRole is { } r ? Text(r) : "none", "up", $"Created {string.Join(", ", names)} ({why}): {create.Reason}");
            }

            case DeletePod delete:
            {
                var instance = byId[delete.InstanceId];
                if (InstanceTransitions.ProtectsPod(instance.View.State))
                {
                    throw new InvalidOperationException($"refusing to delete {delete.InstanceId}: it is {instance.View.State}");
                }

                await podClient.DeleteAsync(deployment.Metadata.NamespaceProperty, delete.InstanceId, cancel).ConfigureAwait(false);
                return ("PodDeleted", "none", "down", $"Deleted standby pod {delete.InstanceId}, giving its GPUs back: {delete.Reason}");
            }

            default:
                throw new InvalidOperationException($"unknown action {action.GetType().Name}");
        }
    }

    private async Task CreatePodAsync(V1Pod pod, CancellationToken cancel)
    {
        try
        {
            await podClient.CreateAsync(pod, cancel).ConfigureAwait(false);
        }
        catch (HttpOperationException error) when (error.Response.StatusCode == System.Net.HttpStatusCode.Conflict)
        {
            // Deterministic names: the pod exists already (a stale cache or a restart); nothing to do.
        }
    }

    private static string Control(Dictionary<string, ObservedInstance> byId, string id) =>
        byId.TryGetValue(id, out var instance) && instance.ControlAddress is { } address
            ? address
            : throw new InvalidOperationException($"instance {id} has no address yet");

    private static EngineWeightSource Source(WeightSource source, Dictionary<string, ObservedInstance> byId, ModelProfile profile) => source.Kind switch
    {
        WeightSourceKind.Peer when source.PeerId is { } peer && byId.TryGetValue(peer, out var instance) && instance.ControlAddress is { } address => WeightSources.Peer(address),
        WeightSourceKind.HostCache => WeightSources.HostCache(),
        _ => WeightSources.Storage(profile.Spec.Source.Uri),
    };

    private static string Text(InstanceRole role) => InstanceLabels.Text(role);

    private static string Describe(ScalingAction action) => action.GetType().Name + " " + action.Reason;
}
