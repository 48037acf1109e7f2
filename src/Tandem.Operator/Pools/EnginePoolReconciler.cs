using k8s.Models;
using Microsoft.Extensions.Options;
using Tandem.Api.V1Alpha1;
using Tandem.Operator.Conditions;
using Tandem.Operator.Deployments;
using Tandem.Operator.Instances;
using Tandem.Operator.Specs;
using Tandem.Runtime;
using Tandem.Runtime.Client;
using Tandem.Runtime.Helpers;
using Tandem.Scaling.Lifecycle;

namespace Tandem.Operator.Pools;

/// <summary>
/// Reports an EnginePool's status — active and ready instances of its role, the clamped desired count and the role's
/// pod selector — so <c>kubectl scale</c>, an HPA or KEDA can drive it through the scale subresource. In operator mode
/// the autoscaler owns spec.replicas: a write by anyone else is reverted, and this says so (a Warning event and the
/// ExternalScaling condition, both naming scaling.mode) instead of letting "scaled" pass silently.
/// </summary>
public sealed class EnginePoolReconciler(
    ICache<EnginePool> pools,
    ICache<InferenceDeployment> deployments,
    ICache<V1Pod> pods,
    IResourceClient<EnginePool> poolClient,
    IEventRecorder events,
    IOptions<RuntimeOptions> runtime,
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
        var external = deployment?.Spec.Scaling.Mode == ScalingMode.External;
        var writer = ReplicasOwner.Of(pool);
        var overridden = deployment is not null && !external && writer is not null && writer != runtime.Value.FieldManager;
        if (overridden)
        {
            await events.RecordAsync(pool, EventTypes.Warning, ConditionTypes.Reasons.ScaleReverted,
                $"spec.replicas {pool.Spec.Replicas} set by {writer} will be reverted: InferenceDeployment {owner.Name} has scaling.mode: operator, so its autoscaler owns this pool's replicas. Set spec.scaling.mode: external to let kubectl scale, an HPA or KEDA drive it.",
                "Scale", cancel).ConfigureAwait(false);
        }

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
            status.Conditions = ConditionSet.Set(status.Conditions, ConditionTypes.ExternalScaling, external,
                external ? ConditionTypes.Reasons.ExternalMode : overridden ? ConditionTypes.Reasons.ScaleReverted : ConditionTypes.Reasons.OperatorMode,
                external ? "scaling.mode is external: kubectl scale, an HPA or KEDA set spec.replicas; the operator clamps it to the bounds"
                    : overridden ? $"spec.replicas was set by {writer} and is being reverted: scaling.mode is operator on InferenceDeployment {owner.Name}; set scaling.mode: external to scale this pool from outside"
                    : $"scaling.mode is operator on InferenceDeployment {owner.Name}: its autoscaler sets spec.replicas and reverts other writers", p.Metadata.Generation, now);
            var clamped = bounds is not null && status.DesiredReplicas != p.Spec.Replicas;
            status.Conditions = ConditionSet.Set(status.Conditions, ConditionTypes.ScalingLimited, clamped,
                clamped ? (p.Spec.Replicas > status.DesiredReplicas ? ConditionTypes.Reasons.TooManyReplicas : ConditionTypes.Reasons.TooFewReplicas) : ConditionTypes.Reasons.WithinBounds,
                clamped ? $"spec.replicas {p.Spec.Replicas} clamped to {status.DesiredReplicas} (bounds {bounds!.Min}..{bounds.Max})" : "spec.replicas is within the deployment's bounds", p.Metadata.Generation, now);
        }, cancel).ConfigureAwait(false);
        return ReconcileResult.Done;
    }
}
