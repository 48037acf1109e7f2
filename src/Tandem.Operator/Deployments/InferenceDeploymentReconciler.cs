using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tandem.Api.V1Alpha1;
using Tandem.Operator.Autoscaling;
using Tandem.Operator.Conditions;
using Tandem.Operator.Hosting;
using Tandem.Operator.Instances;
using Tandem.Operator.Specs;
using Tandem.Runtime;
using Tandem.Runtime.Client;
using Tandem.Runtime.Helpers;
using Tandem.Scaling.Lifecycle;

namespace Tandem.Operator.Deployments;

/// <summary>
/// Reconciles an InferenceDeployment: resolves its ModelProfile, validates, keeps its children (two EnginePools, the
/// router Deployment and Service, a headless Service per role) and reports status and conditions. It never writes the
/// user's spec; pods are the autoscaler's (fast and slow tier).
/// </summary>
public sealed class InferenceDeploymentReconciler(
    ICache<InferenceDeployment> deployments,
    ICache<ModelProfile> profiles,
    ICache<V1Pod> pods,
    ICache<EnginePool> pools,
    ICache<V1Service> services,
    ICache<V1Deployment> routerDeployments,
    ICache<V1NetworkPolicy> networkPolicies,
    IResourceClient<InferenceDeployment> deploymentClient,
    IResourceClient<EnginePool> poolClient,
    IResourceClient<V1Deployment> appsClient,
    IResourceClient<V1Service> serviceClient,
    IResourceClient<V1NetworkPolicy> networkPolicyClient,
    ScalingStateStore store,
    ControlTls.ControlTlsSecrets controlTls,
    IEventRecorder events,
    IOptions<OperatorOptions> options,
    TimeProvider time,
    ILogger<InferenceDeploymentReconciler> logger) : IReconciler<InferenceDeployment>
{
    /// <summary>
    /// How soon a deployment that is not Ready yet is looked at again without an event: its conditions also move with
    /// time (a missing ModelProfile stalls after <see cref="ProfileGrace"/>, unschedulable pods after minutes).
    /// </summary>
    private static readonly TimeSpan Refresh = TimeSpan.FromSeconds(5);

    /// <summary>How long a missing ModelProfile is waited for before the deployment reports Stalled.</summary>
    public static readonly TimeSpan ProfileGrace = TimeSpan.FromSeconds(10);

    public async Task<ReconcileResult> ReconcileAsync(ReconcileRequest request, CancellationToken cancel)
    {
        try
        {
            return await ConvergeAsync(request, cancel).ConfigureAwait(false);
        }
        catch (k8s.Autorest.HttpOperationException error) when (error.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            // Deleted while we worked (the cache had not seen it yet); its children go through owner references.
            store.Remove(request.Namespace, request.Name);
            return ReconcileResult.Done;
        }
    }

    private async Task<ReconcileResult> ConvergeAsync(ReconcileRequest request, CancellationToken cancel)
    {
        var deployment = deployments.Get(request.Namespace, request.Name);
        if (deployment is null || deployment.Metadata.DeletionTimestamp is not null)
        {
            // Children go with it through owner references.
            store.Remove(request.Namespace, request.Name);
            controlTls.Forget(request.Namespace, request.Name);
            return ReconcileResult.Done;
        }

        var now = time.GetUtcNow();
        var profile = profiles.Get(request.Namespace, deployment.Spec.Model);
        if (DeploymentValidation.Check(deployment, profile) is { } problem)
        {
            var wasInvalid = ConditionSet.Get(deployment.Status?.Conditions, ConditionTypes.Degraded) == true
                && deployment.Status?.Conditions?.FirstOrDefault(c => c.Type == ConditionTypes.Degraded)?.Message == problem.Message;
            await deploymentClient.UpdateStatusAsync(deployment, d => Invalid(d, problem.Reason, problem.Message, now), cancel).ConfigureAwait(false);
            if (!wasInvalid)
            {
                logger.LogWarning("{Kind}/{Namespace}/{Name}: {Reason}: {Message}", InferenceDeployment.KubeKind, request.Namespace, request.Name, problem.Reason, problem.Message);
                await events.RecordAsync(deployment, EventTypes.Warning, problem.Reason, problem.Message + " (running pods are kept)", "Validate", cancel).ConfigureAwait(false);
            }

            // Level-triggered: look again later, e.g. for a ModelProfile created after the deployment.
            return ReconcileResult.After(Refresh);
        }

        foreach (var role in new[] { InstanceRole.Prefill, InstanceRole.Decode })
        {
            // Replicas belong to the autoscaler (or the external scaler) once the pool exists.
            await poolClient.CreateOrUpdateAsync(deployment, ChildResources.Pool(deployment, role), (existing, desired) => existing.Spec.Role = desired.Spec.Role, cancel, pools).ConfigureAwait(false);
            await serviceClient.CreateOrUpdateAsync(deployment, ChildResources.RoleService(deployment, role), cancellationToken: cancel, cache: services).ConfigureAwait(false);
        }

        // The control ports' certificate Secret comes before the pods that mount it.
        await controlTls.EnsureAsync(deployment, cancel).ConfigureAwait(false);

        // Children are read from the informer caches and written only when a field the operator sets differs, so a
        // steady deployment costs no API request per reconcile (a stale cache answers 409 and the reconcile retries).
        await appsClient.CreateOrUpdateAsync(deployment, ChildResources.RouterDeployment(deployment), cancellationToken: cancel, cache: routerDeployments).ConfigureAwait(false);
        await serviceClient.CreateOrUpdateAsync(deployment, ChildResources.RouterService(deployment), cancellationToken: cancel, cache: services).ConfigureAwait(false);
        if (options.Value.NetworkPolicies)
        {
            var operatorNamespace = options.Value.OperatorNamespace();
            await networkPolicyClient.CreateOrUpdateAsync(deployment, ControlNetworkPolicies.Router(deployment, operatorNamespace), cancellationToken: cancel, cache: networkPolicies).ConfigureAwait(false);
            await networkPolicyClient.CreateOrUpdateAsync(deployment, ControlNetworkPolicies.Engines(deployment, operatorNamespace), cancellationToken: cancel, cache: networkPolicies).ConfigureAwait(false);
        }

        var state = store.Report(request.Namespace, request.Name);
        var written = await deploymentClient.UpdateStatusAsync(deployment, d => d.Status = DeploymentStatusBuilder.Build(d, pods, pools, state, now), cancel).ConfigureAwait(false);

        // Event-driven once Ready: its children, its pods and the autoscaler's report (a trigger) enqueue it when they
        // change, so a steady deployment costs nothing between events; the long resync only repairs what was missed.
        return ReconcileResult.After(Converged(written) ? options.Value.StatusResync : Refresh);
    }

    private static bool Converged(InferenceDeployment deployment) =>
        ConditionSet.Get(deployment.Status?.Conditions, ConditionTypes.Ready) == true
        && ConditionSet.Get(deployment.Status?.Conditions, ConditionTypes.Reconciling) != true;

    private static void Invalid(InferenceDeployment deployment, string reason, string message, DateTimeOffset now)
    {
        var status = deployment.Status ??= new InferenceDeploymentStatus();
        var generation = deployment.Metadata.Generation;
        status.ObservedGeneration = generation;
        var stalled = StallsNow(status.Conditions, reason, now);
        status.Conditions = ConditionSet.Set(status.Conditions, ConditionTypes.Ready, false, reason, message, generation, now);
        status.Conditions = ConditionSet.Set(status.Conditions, ConditionTypes.Degraded, true, reason, message, generation, now);
        status.Conditions = ConditionSet.Set(status.Conditions, ConditionTypes.Progressing, false, reason, "the spec must be fixed before anything changes; running pods are kept", generation, now);
        status.Conditions = ConditionSet.Set(status.Conditions, ConditionTypes.AbleToScale, false, reason, message, generation, now);
        // kstatus: nothing converges until the spec or its ModelProfile changes, so helm --wait and Flux fail fast.
        status.Conditions = ConditionSet.Set(status.Conditions, ConditionTypes.Stalled, stalled, reason, stalled ? message : "not stalled yet", generation, now);
        status.Conditions = ConditionSet.Set(status.Conditions, ConditionTypes.Reconciling, !stalled, reason,
            stalled ? "stalled: see the Stalled condition" : $"waiting up to {ProfileGrace.TotalSeconds:0} s for the ModelProfile: {message}", generation, now);
    }

    /// <summary>
    /// An invalid spec stalls at once. A missing ModelProfile stalls only after <see cref="ProfileGrace"/>: a chart or a
    /// GitOps sync creates the profile and the deployment together, and the operator may see the deployment first.
    /// </summary>
    private static bool StallsNow(List<V1Condition>? conditions, string reason, DateTimeOffset now)
    {
        if (reason != ConditionTypes.Reasons.ModelProfileNotFound)
        {
            return true;
        }

        var degraded = conditions?.FirstOrDefault(c => c.Type == ConditionTypes.Degraded);
        return degraded is { Status: "True", Reason: ConditionTypes.Reasons.ModelProfileNotFound, LastTransitionTime: { } since } && now.UtcDateTime - since >= ProfileGrace;
    }
}
