using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tandem.Api.V1Alpha1;
using Tandem.Operator.Deployments;
using Tandem.Operator.Hosting;
using Tandem.Operator.Instances;
using Tandem.Runtime;
using Tandem.Scaling.Lifecycle;

namespace Tandem.Operator.Autoscaling;

/// <summary>
/// The autoscaler as a controller on the runtime, keyed by InferenceDeployment (controller "autoscaler"): several
/// workers, one key at a time per deployment, requeue after <c>spec.scaling.interval</c>, per-key backoff when a tick
/// fails. Its EnginePools and engine pods also enqueue it, and a tick runs at once when one of them changed (an
/// external scale, a pod that came or went), else when the interval is up. Each tick has a deadline, so a deployment
/// whose engines hang costs one worker for a bounded time and never stalls another deployment.
/// </summary>
public sealed class AutoscalerReconciler(
    ICache<InferenceDeployment> deployments,
    ICache<ModelProfile> profiles,
    ICache<V1Pod> pods,
    ICache<EnginePool> pools,
    DeploymentScaler scaler,
    ScalingStateStore store,
    EngineFleet fleet,
    IEventRecorder events,
    IOptions<OperatorOptions> options,
    TimeProvider time,
    ILogger<AutoscalerReconciler> logger) : IReconciler<InferenceDeployment>
{
    /// <summary>The controller's name in metrics, logs and <c>Runtime:ControllerWorkers</c>.</summary>
    public const string ControllerName = "autoscaler";

    /// <summary>How soon an invalid deployment is looked at again (its spec or ModelProfile may be fixed meanwhile).</summary>
    private static readonly TimeSpan InvalidRecheck = TimeSpan.FromSeconds(1);

    /// <summary>How often a tick that waits for engines' first status (after a restart) looks again.</summary>
    private static readonly TimeSpan FirstStatusPoll = TimeSpan.FromMilliseconds(250);

    /// <summary>How soon a tick stopped by the leadership fence is looked at again.</summary>
    private static readonly TimeSpan NotLeaderRecheck = TimeSpan.FromSeconds(1);

    public async Task<ReconcileResult> ReconcileAsync(ReconcileRequest request, CancellationToken cancel)
    {
        var deployment = deployments.Get(request.Namespace, request.Name);
        if (deployment is null || deployment.Metadata.DeletionTimestamp is not null)
        {
            store.Remove(request.Namespace, request.Name);
            ReleaseConnections();
            return ReconcileResult.Done;
        }

        // Validated only when the tick runs; an invalid deployment's pods are left alone.
        var profile = profiles.Get(request.Namespace, deployment.Spec.Model);
        if (DeploymentValidation.Check(deployment, profile) is not null)
        {
            return ReconcileResult.After(InvalidRecheck);
        }

        var now = time.GetUtcNow();
        var state = store.For(request.Namespace, request.Name, SpecMapping.PolicyName(deployment.Spec));
        var inputs = Inputs(deployment);
        if (now < state.NextTick && inputs == state.InputFingerprint && !state.RetryPending)
        {
            return ReconcileResult.After(state.NextTick - now);
        }

        using var deadline = new CancellationTokenSource(options.Value.TickDeadline, time);
        using var tick = CancellationTokenSource.CreateLinkedTokenSource(cancel, deadline.Token);
        TickOutcome outcome;
        try
        {
            outcome = await scaler.TickAsync(deployment, profile!, state, now, tick.Token).ConfigureAwait(false);
        }
        catch (LeadershipLostException lost)
        {
            logger.LogWarning("{Kind}/{Namespace}/{Name}: {Message}", InferenceDeployment.KubeKind, request.Namespace, request.Name, lost.Message);
            return ReconcileResult.After(NotLeaderRecheck);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancel.IsCancellationRequested)
        {
            state.RetryPending = true;
            throw new TimeoutException(await TimedOutAsync(deployment, cancel).ConfigureAwait(false));
        }
        catch
        {
            state.RetryPending = true;
            throw;
        }

        if (deadline.IsCancellationRequested && !cancel.IsCancellationRequested)
        {
            // The calls that were cut short failed as actions; the tick itself still reports that it ran out of time.
            await TimedOutAsync(deployment, cancel).ConfigureAwait(false);
        }

        state.InputFingerprint = inputs;
        if (outcome.Waited)
        {
            return ReconcileResult.After(FirstStatusPoll);
        }

        state.NextTick = now + SpecMapping.Interval(deployment.Spec);
        state.UnknownEngines = outcome.UnknownEngines;
        state.UnresponsiveEngines = outcome.Actions.Unresponsive;
        store.Publish(request.Namespace, request.Name, ScalingReport.Of(state));
        ReleaseConnections();

        // A failed action (or a router that missed the membership) is retried with this key's backoff, which a tick
        // that fully succeeds resets; the interval still bounds the wait when it is shorter.
        state.RetryPending = outcome.Actions.Failed > 0 || outcome.RoutersBehind;
        return state.RetryPending ? ReconcileResult.RequeueNow : ReconcileResult.After(SpecMapping.Interval(deployment.Spec));
    }

    private async Task<string> TimedOutAsync(InferenceDeployment deployment, CancellationToken cancel)
    {
        var message = $"the autoscaler tick did not finish within {options.Value.TickDeadline.TotalSeconds:0.#} s; engines or routers of this deployment are not answering";
        logger.LogWarning("{Kind}/{Namespace}/{Name}: {Message}", InferenceDeployment.KubeKind, deployment.Metadata.NamespaceProperty, deployment.Metadata.Name, message);
        await events.RecordAsync(deployment, EventTypes.Warning, "ScaleTickTimedOut", message, "Scale", cancel).ConfigureAwait(false);
        return message;
    }

    /// <summary>What, when it changes, makes a tick run before its interval: the pools' replicas and the engine pods' lives.</summary>
    private string Inputs(InferenceDeployment deployment)
    {
        var ns = deployment.Metadata.NamespaceProperty;
        var name = deployment.Metadata.Name;
        var replicas = string.Join(',', new[] { InstanceRole.Prefill, InstanceRole.Decode }.Select(r => pools.Get(ns, ChildResources.PoolName(name, r))?.Spec.Replicas));
        var engines = pods.List(ns, InstanceLabels.EngineSelector(name))
            .OrderBy(p => p.Metadata.Name, StringComparer.Ordinal)
            .Select(p => $"{p.Metadata.Name}/{p.Status?.Phase}/{p.Status?.PodIP}/{p.Metadata.DeletionTimestamp is not null}");
        return $"{deployment.Metadata.Generation}|{replicas}|{string.Join(';', engines)}";
    }

    /// <summary>Closes streams and channels of pods that went away.</summary>
    private void ReleaseConnections()
    {
        var addresses = pods.List()
            .Where(p => p.Status?.PodIP is not null && p.Metadata.Labels?.ContainsKey(WellKnownLabels.Deployment) == true)
            .SelectMany(p => p.Spec.Containers.SelectMany(c => c.Ports ?? []).Select(port => FleetObserver.Address(p.Status.PodIP, port.ContainerPort)))
            .ToHashSet(StringComparer.Ordinal);
        fleet.Retain(addresses);
    }
}
