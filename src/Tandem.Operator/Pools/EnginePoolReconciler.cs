using k8s.Models;
using Tandem.Api.V1Alpha1;
using Tandem.Operator.Autoscaling;
using Tandem.Operator.Conditions;
using Tandem.Operator.Deployments;
using Tandem.Operator.Instances;
using Tandem.Runtime;
using Tandem.Runtime.Client;
using Tandem.Runtime.Helpers;
using Tandem.Scaling.Lifecycle;

namespace Tandem.Operator.Pools;

/// <summary>
/// Reports an EnginePool's status — active and ready instances of its role, the clamped desired count and the role's
/// pod selector — so <c>kubectl scale</c>, an HPA or KEDA can drive it through the scale subresource.
/// </summary>
public sealed class EnginePoolReconciler(
    ICache<EnginePool> pools,
    ICache<InferenceDeployment> deployments,
    ICache<V1Pod> pods,
    IResourceClient<EnginePool> poolClient,
    TimeProvider time) : IReconciler<EnginePool>
{
    public async Task<ReconcileResult> ReconcileAsync(ReconcileRequest request, CancellationToken cancel)
    {
        var pool = pools.Get(request.Namespace, request.Name);
        var owner = pool?.Metadata.OwnerReferences?.FirstOrDefault(o => o.Controller == true && o.Kind == InferenceDeployment.KubeKind);
        if (pool is null || owner is null)
        {
            return ReconcileResult.Done;
        }

        var deployment = deployments.Get(request.Namespace, owner.Name);
        var role = pool.Spec.Role == EngineRole.Prefill ? InstanceRole.Prefill : InstanceRole.Decode;
        var bounds = deployment is null ? null : role == InstanceRole.Prefill ? deployment.Spec.Scaling.Prefill : deployment.Spec.Scaling.Decode;
        var active = pods.List(request.Namespace, InstanceLabels.RoleSelector(owner.Name, role)).Where(p => p.Metadata.DeletionTimestamp is null).ToArray();
        var now = time.GetUtcNow();
        await poolClient.UpdateStatusAsync(pool, p =>
        {
            var status = p.Status ??= new EnginePoolStatus();
            status.ObservedGeneration = p.Metadata.Generation;
            status.Replicas = active.Length;
            status.ReadyReplicas = active.Count(DeploymentStatusBuilder.IsReady);
            status.DesiredReplicas = bounds is null ? p.Spec.Replicas : SpecMapping.Clamp(p.Spec.Replicas, bounds);
            status.Selector = InstanceLabels.RoleSelector(owner.Name, role);
            var ready = status.ReadyReplicas >= status.DesiredReplicas;
            status.Conditions = ConditionSet.Set(status.Conditions, ConditionTypes.Ready, ready, ready ? ConditionTypes.Reasons.AllReplicasReady : ConditionTypes.Reasons.ReplicasNotReady,
                $"{status.ReadyReplicas}/{status.DesiredReplicas} {InstanceLabels.Text(role)} instances ready", p.Metadata.Generation, now);
            // kstatus: in progress until the pool's instances are ready (helm --wait, Flux, Argo CD wait on it).
            status.Conditions = ConditionSet.Set(status.Conditions, ConditionTypes.Reconciling, !ready, ready ? ConditionTypes.Reasons.AllReplicasReady : ConditionTypes.Reasons.ReplicasNotReady,
                ready ? "converged" : $"{status.ReadyReplicas}/{status.DesiredReplicas} {InstanceLabels.Text(role)} instances ready", p.Metadata.Generation, now);
            var clamped = bounds is not null && status.DesiredReplicas != p.Spec.Replicas;
            status.Conditions = ConditionSet.Set(status.Conditions, ConditionTypes.ScalingLimited, clamped,
                clamped ? (p.Spec.Replicas > status.DesiredReplicas ? ConditionTypes.Reasons.TooManyReplicas : ConditionTypes.Reasons.TooFewReplicas) : ConditionTypes.Reasons.WithinBounds,
                clamped ? $"spec.replicas {p.Spec.Replicas} clamped to {status.DesiredReplicas} (bounds {bounds!.Min}..{bounds.Max})" : "spec.replicas is within the deployment's bounds", p.Metadata.Generation, now);
        }, cancel).ConfigureAwait(false);
        return ReconcileResult.Done;
    }
}
