using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tandem.Api.V1Alpha1;
using Tandem.Operator.Instances;
using Tandem.Operator.Specs;
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

    /// <summary>The Event reason for an engine that does not answer (the executor uses it for failed calls too).</summary>
    public const string EngineNotResponding = "EngineNotResponding";

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
            ReleaseConnections(now: null);
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
        var interval = SpecMapping.Interval(deployment.Spec);
        var early = now < state.NextTick;
        if (early && !state.RetryPending && (inputs == state.InputFingerprint || now < state.LastTick + EarlyGap(interval)))
        {
            // Not due, and nothing changed (or the last tick was a moment ago: engines may not have reported the
            // effect of its actions yet, and deciding on that old status could undo them).
            return ReconcileResult.After((inputs == state.InputFingerprint ? state.NextTick : state.LastTick + EarlyGap(interval)) - now);
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

        state.NextTick = now + interval;
        state.LastTick = now;
        var previous = store.Report(request.Namespace, request.Name);
        state.UnknownEngines = outcome.UnknownEngines;
        state.UnresponsiveEngines = outcome.Actions.Unresponsive;
        store.Publish(request.Namespace, request.Name, ScalingReport.Of(state));
        await NewlyUnknownAsync(deployment, previous, outcome.UnknownEngines, cancel).ConfigureAwait(false);
        ReleaseConnections(now);

        // A failed action (or a router that missed the membership) is retried with this key's backoff, which a tick
        // that fully succeeds resets; the interval still bounds the wait when it is shorter.
        state.RetryPending = outcome.Actions.Failed > 0 || outcome.RoutersBehind;
        return state.RetryPending ? ReconcileResult.RequeueNow : ReconcileResult.After(interval);
    }

    /// <summary>The least time between a tick and one a change brings forward: half the interval, at most 1 s.</summary>
    private static TimeSpan EarlyGap(TimeSpan interval) => TimeSpan.FromTicks(Math.Min(interval.Ticks / 2, TimeSpan.TicksPerSecond));

    private async Task<string> TimedOutAsync(InferenceDeployment deployment, CancellationToken cancel)
    {
        var message = $"the autoscaler tick did not finish within {options.Value.TickDeadline.TotalSeconds:0.#} s; engines or routers of this deployment are not answering";
        logger.LogWarning("{Kind}/{Namespace}/{Name}: {Message}", InferenceDeployment.KubeKind, deployment.Metadata.NamespaceProperty, deployment.Metadata.Name, message);
        await events.RecordAsync(deployment, EventTypes.Warning, "ScaleTickTimedOut", message, "Scale", cancel).ConfigureAwait(false);
        return message;
    }

    /// <summary>
    /// One Warning per engine that went Unknown since the last tick (an engine that fails an action gets its own from the
    /// executor); the deployment's Degraded condition names them until they answer again.
    /// </summary>
    private async Task NewlyUnknownAsync(InferenceDeployment deployment, ScalingReport? previous, IReadOnlyList<string> unknown, CancellationToken cancel)
    {
        foreach (var id in unknown.Except(previous?.UnknownEngines ?? [], StringComparer.Ordinal))
        {
            var message = $"instance {id}: its status stream broke or went quiet; it is out of router membership and the autoscaler's decisions until it answers again";
            logger.LogWarning("{Kind}/{Namespace}/{Name}: {Message}", InferenceDeployment.KubeKind, deployment.Metadata.NamespaceProperty, deployment.Metadata.Name, message);
            await events.RecordAsync(deployment, EventTypes.Warning, EngineNotResponding, message, "Scale", cancel).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// What, when it changes, makes a tick run before its interval: the engine pods' lives and, in external mode, the
    /// pools' replicas (an external scaler's). In operator mode the replicas are the autoscaler's own writes: reacting
    /// to them would decide twice per interval and remove two instances where the policy paces one per decision.
    /// </summary>
    private string Inputs(InferenceDeployment deployment)
    {
        var ns = deployment.Metadata.NamespaceProperty;
        var name = deployment.Metadata.Name;
        var replicas = deployment.Spec.Scaling.Mode == ScalingMode.External
            ? string.Join(',', new[] { InstanceRole.Prefill, InstanceRole.Decode }.Select(r => pools.Get(ns, InstanceNaming.PoolName(name, r))?.Spec.Replicas))
            : "";
        // Pods without an address yet are left out: the autoscaler's own creates would otherwise bring its next tick forward.
        var engines = pods.List(ns, InstanceLabels.EngineSelector(name))
            .Where(p => p.Status?.PodIP is not null)
            .OrderBy(p => p.Metadata.Name, StringComparer.Ordinal)
            .Select(p => $"{p.Metadata.Name}/{p.Status?.Phase}/{p.Status?.PodIP}/{p.Metadata.DeletionTimestamp is not null}");
        return $"{deployment.Metadata.Generation}|{replicas}|{string.Join(';', engines)}";
    }

    /// <summary>
    /// Closes streams and channels of pods that went away: at once when a deployment went, else at most once per
    /// <see cref="EngineFleet.SweepPeriod"/> across all deployments (the sweep reads every pod, so once per tick of each
    /// deployment would cost the square of the fleet).
    /// </summary>
    private void ReleaseConnections(DateTimeOffset? now)
    {
        if (now is { } at && !fleet.SweepDue(at))
        {
            return;
        }

        var addresses = pods.List()
            .Where(p => p.Status?.PodIP is not null && p.Metadata.Labels?.ContainsKey(WellKnownLabels.Deployment) == true)
            .SelectMany(p => p.Spec.Containers.SelectMany(c => c.Ports ?? []).Select(port => FleetObserver.Address(p.Status.PodIP, port.ContainerPort)))
            .ToHashSet(StringComparer.Ordinal);
        fleet.Retain(addresses);
    }
}
