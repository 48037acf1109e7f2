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

/// <summary>The outcome of carrying out one decision: how many actions took effect, which failed, which engines did not answer.</summary>
public sealed record ActionResults(int Done, int Failed, IReadOnlyList<string> Unresponsive);

/// <summary>
/// Carries out a decision's actions: fast-tier calls on engines (Activate, SetRole, Drain, Unload) and slow-tier pod
/// creates and deletes. Actions on different instances run in parallel (one slow engine delays only its own action);
/// actions on the same instance, and pod creates, keep their order. Every action is fenced by leadership, never touches
/// an Unknown instance, is logged once and recorded as an Event; a failed action is reported, not fatal, and an engine
/// that does not answer within the call deadline gets an EngineNotResponding warning.
/// </summary>
public sealed class ActionExecutor(
    EngineFleet fleet,
    IResourceClient<V1Pod> podClient,
    IEventRecorder events,
    AutoscalerMetrics metrics,
    ILogger<ActionExecutor> logger,
    LeaderFence? fence = null)
{
    /// <summary>Runs every action; returns how many took effect.</summary>
    public async Task<int> ExecuteAsync(InferenceDeployment deployment, ModelProfile profile, FleetObservation fleetNow, ScalingDecision decision,
        DeploymentScalingState state, DateTimeOffset now, CancellationToken cancel) =>
        (await RunAsync(deployment, profile, fleetNow, decision, state, now, cancel).ConfigureAwait(false)).Done;

    /// <summary>Runs every action (independent ones in parallel) and reports what took effect and what failed.</summary>
    public async Task<ActionResults> RunAsync(InferenceDeployment deployment, ModelProfile profile, FleetObservation fleetNow, ScalingDecision decision,
        DeploymentScalingState state, DateTimeOffset now, CancellationToken cancel)
    {
        var byId = fleetNow.Instances.ToDictionary(i => i.Pod.Metadata.Name, StringComparer.Ordinal);
        var names = fleetNow.Instances.Select(i => i.Pod.Metadata.Name).ToHashSet(StringComparer.Ordinal);
        var done = 0;
        var failed = 0;
        var unresponsive = new List<string>();

        // One lane per instance (its actions in order), one lane for pod creates (they pick names one after another).
        var lanes = decision.Actions.GroupBy(Lane, StringComparer.Ordinal).Select(lane => Task.Run(async () =>
        {
            foreach (var action in lane)
            {
                var outcome = await RunOneAsync(deployment, profile, names, byId, action, state, now, cancel).ConfigureAwait(false);
                lock (unresponsive)
                {
                    done += outcome.Done ? 1 : 0;
                    failed += outcome.Done ? 0 : 1;
                    if (outcome.Unresponsive is { } id)
                    {
                        unresponsive.Add(id);
                    }
                }

                if (!outcome.Done)
                {
                    // Later actions of the same instance assumed this one; the next tick decides again.
                    break;
                }
            }
        }, CancellationToken.None)).ToArray();
        await Task.WhenAll(lanes).ConfigureAwait(false);
        return new ActionResults(done, failed, unresponsive);
    }

    private async Task<(bool Done, string? Unresponsive)> RunOneAsync(InferenceDeployment deployment, ModelProfile profile, HashSet<string> names,
        Dictionary<string, ObservedInstance> byId, ScalingAction action, DeploymentScalingState state, DateTimeOffset now, CancellationToken cancel)
    {
        var ns = deployment.Metadata.NamespaceProperty;
        try
        {
            fence?.Check(Describe(action));
            var (reason, role, direction, note) = await ExecuteAsync(deployment, profile, names, byId, action, state, now, cancel).ConfigureAwait(false);
            metrics.Decisions.WithLabels(ns, deployment.Metadata.Name, role, direction, reason).Inc();
            logger.LogInformation("{Kind}/{Namespace}/{Name}: {Reason}: {Note}", InferenceDeployment.KubeKind, ns, deployment.Metadata.Name, reason, note);
            await events.RecordAsync(deployment, EventTypes.Normal, reason, note, "Scale", cancel).ConfigureAwait(false);
            return (true, null);
        }
        catch (LeadershipLostException)
        {
            throw;
        }
        catch (Exception error) when (error is not OperationCanceledException || !cancel.IsCancellationRequested)
        {
            var id = InstanceOf(action);
            var silent = id is not null && IsUnanswered(error);
            logger.LogWarning(error, "{Kind}/{Namespace}/{Name}: action {Action} failed", InferenceDeployment.KubeKind, ns, deployment.Metadata.Name, action);
            await events.RecordAsync(deployment, EventTypes.Warning, silent ? AutoscalerReconciler.EngineNotResponding : "ScaleActionFailed",
                silent ? $"{Describe(action)}: instance {id} did not answer: {error.Message}" : $"{Describe(action)} failed: {error.Message}", "Scale", cancel).ConfigureAwait(false);
            return (false, silent ? id : null);
        }
    }

    /// <summary>An engine that did not answer in time or could not be reached (as opposed to one that refused).</summary>
    private static bool IsUnanswered(Exception error) =>
        error is Grpc.Core.RpcException { StatusCode: Grpc.Core.StatusCode.DeadlineExceeded or Grpc.Core.StatusCode.Unavailable or Grpc.Core.StatusCode.Cancelled }
            or OperationCanceledException or TimeoutException;

    private static string Lane(ScalingAction action) => InstanceOf(action) ?? "create";

    /// <summary>The instance an action works on; null for pod creates.</summary>
    private static string? InstanceOf(ScalingAction action) => action switch
    {
        ActivateStandby a => a.InstanceId,
        ReuseWarm w => w.InstanceId,
        CancelDrain c => c.InstanceId,
        Mutate m => m.InstanceId,
        Drain d => d.InstanceId,
        Unload u => u.InstanceId,
        DeletePod p => p.InstanceId,
        _ => null,
    };

    private async Task<(string Reason, string Role, string Direction, string Note)> ExecuteAsync(InferenceDeployment deployment, ModelProfile profile, HashSet<string> podNames,
        Dictionary<string, ObservedInstance> byId, ScalingAction action, DeploymentScalingState state, DateTimeOffset now, CancellationToken cancel)
    {
        switch (action)
        {
            case ActivateStandby activate:
            {
                var instance = Control(byId, activate.InstanceId);
                var source = Source(activate.Source, byId, profile);
                await fleet.EngineClient(instance).ActivateAsync(activate.Role, source, cancel).ConfigureAwait(false);
                lock (state) state.ActivationsStarted[activate.InstanceId] = now;
                return ("ScaledUp", Text(activate.Role), "up", $"Activating standby instance {activate.InstanceId} as {Text(activate.Role)} (weights from {activate.Source}): {activate.Reason}");
            }

            case ReuseWarm warm:
                await fleet.EngineClient(Control(byId, warm.InstanceId)).ActivateAsync(warm.Role, WeightSources.Storage(), cancel).ConfigureAwait(false);
                lock (state) state.ActivationsStarted[warm.InstanceId] = now;
                return ("ScaledUp", Text(warm.Role), "up", $"Reusing warm instance {warm.InstanceId} as {Text(warm.Role)}: {warm.Reason}");
            case CancelDrain cancelDrain:
            {
                var role = byId[cancelDrain.InstanceId].View.Role;
                await fleet.EngineClient(Control(byId, cancelDrain.InstanceId)).ActivateAsync(role, WeightSources.Storage(), cancel).ConfigureAwait(false);
                lock (state) state.DrainsStarted.Remove(cancelDrain.InstanceId);
                return ("DrainCancelled", role is { } r ? Text(r) : "none", "up", $"Cancelled the drain of {cancelDrain.InstanceId}: {cancelDrain.Reason}");
            }

            case Mutate mutate:
                await fleet.EngineClient(Control(byId, mutate.InstanceId)).SetRoleAsync(InstanceRole.Decode, cancel).ConfigureAwait(false);
                return ("RoleChanged", "decode", "up", $"Instance {mutate.InstanceId} changed role prefill -> decode in place: {mutate.Reason}");
            case Drain drain:
            {
                var role = byId[drain.InstanceId].View.Role;
                await fleet.EngineClient(Control(byId, drain.InstanceId)).DrainAsync(cancel: cancel).ConfigureAwait(false);
                lock (state) state.DrainsStarted[drain.InstanceId] = now;
                return ("Draining", role is { } r ? Text(r) : "none", "down", $"Draining {drain.InstanceId}; it stays warm for scaleDownDelay: {drain.Reason}");
            }

            case Unload unload:
                await fleet.EngineClient(Control(byId, unload.InstanceId)).UnloadAsync(cancel).ConfigureAwait(false);
                return ("Unloaded", "none", "down", $"Instance {unload.InstanceId} unloaded its weights and is standby: {unload.Reason}");
            case CreatePods create:
            {
                // Names taken by earlier creates of this tick count too.
                var names = InstanceNaming.NextFree(deployment.Metadata.Name, podNames, create.Count);
                foreach (var name in names)
                {
                    podNames.Add(name);
                    await CreatePodAsync(EnginePodBuilder.Build(deployment, profile, name), cancel).ConfigureAwait(false);
                }

                var why = create.ForRole is { } forRole ? $"cold start for {Text(forRole)}" : "standby buffer";
                return ("PodsCreated", create.ForRole is { } r ? Text(r) : "none", "up", $"Created {string.Join(", ", names)} ({why}): {create.Reason}");
            }

            case DeletePod delete:
            {
                var instance = byId[delete.InstanceId];
                if (instance.Unknown)
                {
                    throw new InvalidOperationException($"refusing to delete {delete.InstanceId}: its engine is not answering, so what it holds is unknown");
                }

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
            ? instance.Unknown ? throw new InvalidOperationException($"instance {id} is not answering its status stream; it is left alone until it does") : address
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
