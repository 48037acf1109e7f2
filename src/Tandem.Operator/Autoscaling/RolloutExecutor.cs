using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Tandem.Api.V1Alpha1;
using Tandem.Engines.Clients;
using Tandem.Operator.Instances;
using Tandem.Operator.Rollouts;
using Tandem.Runtime;
using Tandem.Runtime.Client;

namespace Tandem.Operator.Autoscaling;

/// <summary>
/// Carries out a <see cref="RolloutPlan"/>'s steps: creates replacement pods (annotated with the instance they replace),
/// activates them in that instance's role, drains outdated instances the routers no longer send work to, and deletes
/// outdated instances that serve nothing, recording an <c>InstanceReplaced</c> event per replaced instance. Every write
/// and call is fenced by leadership; a failed step is logged and reported, and the next tick plans again.
/// </summary>
public sealed class RolloutExecutor(
    EngineFleet fleet,
    IResourceClient<V1Pod> podClient,
    IEventRecorder events,
    ILogger<RolloutExecutor> logger,
    LeaderFence? fence = null)
{
    /// <summary>Event reason of a replaced instance.</summary>
    public const string InstanceReplaced = "InstanceReplaced";

    /// <summary>Event reason of a replacement pod created.</summary>
    public const string Replacing = "Replacing";

    /// <summary>Event reason of a failed rollout step.</summary>
    public const string RolloutStepFailed = "RolloutStepFailed";

    /// <summary>
    /// Runs the plan's steps; <paramref name="routingStopped"/> says whether every router took the membership without the
    /// instances being retired (when not, their drains wait for a tick where it did). Returns how many steps failed.
    /// </summary>
    public async Task<int> RunAsync(InferenceDeployment deployment, ModelProfile profile, FleetObservation observation, RolloutPlan plan, bool routingStopped,
        DeploymentScalingState state, DateTimeOffset now, CancellationToken cancel)
    {
        var ns = deployment.Metadata.NamespaceProperty;
        var byId = observation.Instances.ToDictionary(i => i.Pod.Metadata.Name, StringComparer.Ordinal);
        var failed = 0;
        foreach (var step in plan.Steps)
        {
            if (step is RetireOutdated && !routingStopped)
            {
                logger.LogWarning("{Kind}/{Namespace}/{Name}: not draining {Instance}: a router has not stopped routing to it yet", InferenceDeployment.KubeKind, ns, deployment.Metadata.Name, step.Instance);
                continue;
            }

            try
            {
                fence?.Check($"rollout {step}");
                var note = await RunOneAsync(deployment, profile, observation, byId, step, state, now, cancel).ConfigureAwait(false);
                logger.LogInformation("{Kind}/{Namespace}/{Name}: rollout: {Note} ({Progress})", InferenceDeployment.KubeKind, ns, deployment.Metadata.Name, note.Text, plan.Progress);
                if (note.Reason is { } reason)
                {
                    await events.RecordAsync(deployment, EventTypes.Normal, reason, $"{note.Text} ({plan.Progress})", "Rollout", cancel).ConfigureAwait(false);
                }
            }
            catch (LeadershipLostException)
            {
                throw;
            }
            catch (Exception error) when (error is not OperationCanceledException || !cancel.IsCancellationRequested)
            {
                failed++;
                logger.LogWarning(error, "{Kind}/{Namespace}/{Name}: rollout step {Step} failed", InferenceDeployment.KubeKind, ns, deployment.Metadata.Name, step);
                await events.RecordAsync(deployment, EventTypes.Warning, RolloutStepFailed, $"{step.GetType().Name} {step.Instance} failed: {error.Message}", "Rollout", cancel).ConfigureAwait(false);
            }
        }

        return failed;
    }

    private async Task<(string? Reason, string Text)> RunOneAsync(InferenceDeployment deployment, ModelProfile profile, FleetObservation observation,
        Dictionary<string, ObservedInstance> byId, RolloutStep step, DeploymentScalingState state, DateTimeOffset now, CancellationToken cancel)
    {
        var ns = deployment.Metadata.NamespaceProperty;
        switch (step)
        {
            case CreateReplacement create:
                {
                    var name = InstanceNaming.NextFree(deployment.Metadata.Name, observation.Instances.Select(i => i.Pod.Metadata.Name), 1)[0];
                    var pod = EnginePodBuilder.Build(deployment, profile, name);
                    pod.Metadata.Annotations[InstanceAnnotations.Replaces] = create.Replaces;
                    try
                    {
                        await podClient.CreateAsync(pod, cancel).ConfigureAwait(false);
                    }
                    catch (HttpOperationException error) when (error.Response.StatusCode == System.Net.HttpStatusCode.Conflict)
                    {
                        // The name is taken (a stale cache, or a pod still terminating); the next tick plans again.
                        return (null, $"replacement for {create.Replaces} not created yet: {name} exists");
                    }

                    return (Replacing, $"Created {name} from the current template to replace {create.Replaces} ({InstanceLabels.Text(create.Role)}); {create.Replaces} serves until {name} does");
                }

            case ActivateReplacement activate:
                {
                    var control = Control(byId, activate.Instance);
                    await fleet.EngineClient(control).ActivateAsync(activate.Role, WeightSources.Storage(profile.Spec.Source.Uri), cancel).ConfigureAwait(false);
                    lock (state)
                    {
                        state.ActivationsStarted[activate.Instance] = now;
                    }

                    return (null, $"activating {activate.Instance} as {InstanceLabels.Text(activate.Role)} in place of {activate.Replaces}");
                }

            case RetireOutdated retire:
                {
                    await fleet.EngineClient(Control(byId, retire.Instance)).DrainAsync(cancel: cancel).ConfigureAwait(false);
                    lock (state)
                    {
                        state.DrainsStarted[retire.Instance] = now;
                    }

                    return (null, $"{retire.ReplacedBy} serves; {retire.Instance} is out of routing and drains its in-flight requests");
                }

            case DeleteOutdated delete:
                {
                    await podClient.DeleteAsync(ns, delete.Instance, cancel).ConfigureAwait(false);
                    return delete.ReplacedBy is { } by
                        ? (InstanceReplaced, $"Replaced {delete.Instance} with {by}: {delete.Instance} drained and was deleted")
                        : (InstanceReplaced, $"Deleted outdated {delete.Instance} (it served nothing); the autoscaler recreates what it needs from the current template");
                }

            default:
                throw new InvalidOperationException($"unknown rollout step {step.GetType().Name}");
        }
    }

    private static string Control(Dictionary<string, ObservedInstance> byId, string id) =>
        byId.TryGetValue(id, out var instance) && instance.ControlAddress is { } address && !instance.Unknown
            ? address
            : throw new InvalidOperationException($"instance {id} has no address or is not answering");
}
