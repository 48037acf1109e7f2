using k8s;
using k8s.Models;
using Tandem.Api.Schema;

namespace Tandem.Api.V1Alpha1;

/// <summary>
/// The scale handle of one role of an InferenceDeployment (named &lt;infd&gt;-prefill or &lt;infd&gt;-decode), with the
/// scale subresource so kubectl scale, an HPA or KEDA can target it. Owned by its InferenceDeployment. Short name epool
/// (not ep, which names core Endpoints for every user of a cluster).
/// </summary>
[KubernetesEntity(Group = ApiGroup.Group, ApiVersion = ApiGroup.Version, Kind = KubeKind, PluralName = "enginepools")]
[CustomResource("enginepool", "enginepools", ShortNames = ["epool"], Categories = [ApiGroup.Category], StatusSubresource = true,
    ScaleSpecReplicasPath = ".spec.replicas", ScaleStatusReplicasPath = ".status.replicas", ScaleLabelSelectorPath = ".status.selector")]
[PrinterColumn("Role", "string", ".spec.role")]
[PrinterColumn("Desired", "integer", ".status.desiredReplicas", Description = "instances that will run: spec.replicas clamped to the deployment's bounds")]
[PrinterColumn("Current", "integer", ".status.replicas")]
[PrinterColumn("Ready", "integer", ".status.readyReplicas")]
[PrinterColumn("Age", "date", ".metadata.creationTimestamp")]
[PrinterColumn("Requested", "integer", ".spec.replicas", Priority = 1, Description = "spec.replicas as set (by the autoscaler, kubectl scale, an HPA or KEDA), before clamping")]
public sealed class EnginePool : IKubernetesObject<V1ObjectMeta>, ISpec<EnginePoolSpec>, IStatus<EnginePoolStatus?>
{
    public const string KubeKind = "EnginePool";

    public string ApiVersion { get; set; } = ApiGroup.GroupVersion;

    public string Kind { get; set; } = KubeKind;

    public V1ObjectMeta Metadata { get; set; } = new();

    /// <summary>The role and its desired active instances.</summary>
    [Required]
    public EnginePoolSpec Spec { get; set; } = new();

    /// <summary>Observed instances of the role. Until the operator's first write it reads as observedGeneration 0 (in
    /// progress for kstatus clients).</summary>
    [DefaultJson(ApiGroup.UnobservedStatus)]
    public EnginePoolStatus? Status { get; set; }
}

/// <summary>Desired active instances of one role.</summary>
public sealed class EnginePoolSpec
{
    /// <summary>prefill or decode.</summary>
    [Required]
    public EngineRole Role { get; set; }

    /// <summary>Desired active instances. The operator writes it in operator mode; in external mode an HPA, KEDA or kubectl scale does, and the operator clamps it to the deployment's bounds.</summary>
    [Default(1), Minimum(0), Maximum(1000)]
    public int Replicas { get; set; } = 1;
}

/// <summary>Observed instances of one role.</summary>
public sealed class EnginePoolStatus
{
    /// <summary>The spec generation this status describes.</summary>
    public long? ObservedGeneration { get; set; }

    /// <summary>Active instances of the role.</summary>
    public int Replicas { get; set; }

    /// <summary>Active instances whose pods are Ready.</summary>
    public int ReadyReplicas { get; set; }

    /// <summary>Replicas after clamping to the deployment's bounds.</summary>
    public int DesiredReplicas { get; set; }

    /// <summary>Label selector of the role's pods (for the scale subresource and HPA).</summary>
    public string? Selector { get; set; }

    /// <summary>Ready and ScalingLimited.</summary>
    [ListType("map", "type")]
    public List<V1Condition>? Conditions { get; set; }
}
