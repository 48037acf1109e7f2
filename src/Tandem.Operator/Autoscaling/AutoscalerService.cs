using k8s.Models;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tandem.Api.V1Alpha1;
using Tandem.Operator.Deployments;
using Tandem.Operator.Hosting;
using Tandem.Runtime;

namespace Tandem.Operator.Autoscaling;

/// <summary>
/// The autoscaler loop (leader only): every deployment is ticked once per <c>spec.scaling.interval</c>; invalid
/// deployments are skipped (their pods are left alone); connections of pods that went away are closed.
/// </summary>
public sealed class AutoscalerService(
    ICache<InferenceDeployment> deployments,
    ICache<ModelProfile> profiles,
    ICache<V1Pod> pods,
    ILeadership leadership,
    DeploymentScaler scaler,
    ScalingStateStore store,
    EngineFleet fleet,
    IOptions<OperatorOptions> options,
    TimeProvider time,
    ILogger<AutoscalerService> logger) : BackgroundService
{
    /// <summary>How soon an invalid deployment is looked at again (its spec or ModelProfile may be fixed meanwhile).</summary>
    private static readonly TimeSpan InvalidRecheck = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await leadership.WaitForLeadershipAsync(stoppingToken).ConfigureAwait(false);
            await Task.WhenAll(deployments.WaitForSyncAsync(stoppingToken), profiles.WaitForSyncAsync(stoppingToken), pods.WaitForSyncAsync(stoppingToken)).ConfigureAwait(false);
            using var timer = new PeriodicTimer(options.Value.AutoscalerTick, time);
            do
            {
                if (leadership.IsLeader)
                {
                    await TickDueAsync(stoppingToken).ConfigureAwait(false);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    /// <summary>Ticks every deployment whose interval has passed (tests call this directly with a fake clock).</summary>
    public async Task TickDueAsync(CancellationToken cancel)
    {
        var now = time.GetUtcNow();
        var live = deployments.List().Where(d => d.Metadata.DeletionTimestamp is null).ToArray();
        foreach (var deployment in live)
        {
            var ns = deployment.Metadata.NamespaceProperty;
            var state = store.For(ns, deployment.Metadata.Name, SpecMapping.PolicyName(deployment.Spec));
            if (now < state.NextTick)
            {
                continue;
            }

            // Validate only when due: the loop wakes every AutoscalerTick, far more often than any interval.
            var profile = profiles.Get(ns, deployment.Spec.Model);
            if (DeploymentValidation.Check(deployment, profile) is not null)
            {
                state.NextTick = now + InvalidRecheck;
                continue;
            }

            state.NextTick = now + SpecMapping.Interval(deployment.Spec);
            try
            {
                await scaler.TickAsync(deployment, profile!, state, now, cancel).ConfigureAwait(false);
            }
            catch (k8s.Autorest.HttpOperationException error) when (error.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                // The deployment (or a child) was deleted during the tick: a race, not a failure; the next tick sees it gone.
                logger.LogDebug("{Kind}/{Namespace}/{Name}: gone during the autoscaler tick ({Reason})", InferenceDeployment.KubeKind, ns, deployment.Metadata.Name, error.Message);
            }
            catch (Exception error) when (error is not OperationCanceledException || !cancel.IsCancellationRequested)
            {
                logger.LogError(error, "{Kind}/{Namespace}/{Name}: autoscaler tick failed", InferenceDeployment.KubeKind, ns, deployment.Metadata.Name);
            }
        }

        foreach (var (ns, name) in store.Keys.Where(k => !live.Any(d => d.Metadata.NamespaceProperty == k.Namespace && d.Metadata.Name == k.Name)))
        {
            store.Remove(ns, name);
        }

        var addresses = pods.List()
            .Where(p => p.Status?.PodIP is not null && p.Metadata.Labels?.ContainsKey(WellKnownLabels.Deployment) == true)
            .SelectMany(p => p.Spec.Containers.SelectMany(c => c.Ports ?? []).Select(port => FleetObserver.Address(p.Status.PodIP, port.ContainerPort)))
            .ToHashSet(StringComparer.Ordinal);
        fleet.Retain(addresses);
    }
}
