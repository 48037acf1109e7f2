using k8s;
using k8s.Models;
using Tandem.Api.Schema;
using Tandem.Api.Validation;

namespace Tandem.Api.V1Alpha1;

/// <summary>One served model: a prefill pool and a decode pool of engine instances behind a router, autoscaled.</summary>
[KubernetesEntity(Group = ApiGroup.Group, ApiVersion = ApiGroup.Version, Kind = KubeKind, PluralName = "inferencedeployments")]
[CustomResource("inferencedeployment", "inferencedeployments", ShortNames = ["infd"], Categories = [ApiGroup.Category], StatusSubresource = true)]
[PrinterColumn("Model", "string", ".spec.model")]
[PrinterColumn("Prefill", "string", ".status.prefill.summary", Description = "ready/desired prefill instances")]
[PrinterColumn("Decode", "string", ".status.decode.summary", Description = "ready/desired decode instances")]
[PrinterColumn("Standby", "integer", ".status.standbyReplicas", Description = "instances holding GPUs without weights")]
[PrinterColumn("Ready", "string", ".status.conditions[?(@.type==\"Ready\")].status")]
[PrinterColumn("Age", "date", ".metadata.creationTimestamp")]
[PrinterColumn("Last Decision", "string", ".status.lastDecision.message", Priority = 1)]
[Rule(ValidationRules.NameFitsChildren)]
public sealed class InferenceDeployment : IKubernetesObject<V1ObjectMeta>, ISpec<InferenceDeploymentSpec>, IStatus<InferenceDeploymentStatus?>
{
    public const string KubeKind = "InferenceDeployment";

    public string ApiVersion { get; set; } = ApiGroup.GroupVersion;

    public string Kind { get; set; } = KubeKind;

    public V1ObjectMeta Metadata { get; set; } = new();

    /// <summary>What to serve and how to scale it. Written by the user only; the operator never changes it.</summary>
    [Required]
    public InferenceDeploymentSpec Spec { get; set; } = new();

    /// <summary>What the operator observed and decided. Until the operator's first write it reads as observedGeneration 0,
    /// so kstatus clients (helm --wait, Flux) see the object as in progress rather than current.</summary>
    [DefaultJson(ApiGroup.UnobservedStatus)]
    public InferenceDeploymentStatus? Status { get; set; }
}

/// <summary>The desired state of one served model.</summary>
public sealed class InferenceDeploymentSpec
{
    /// <summary>Name of the ModelProfile (same namespace) that describes the model.</summary>
    [Required, MinLength(1)]
    public string Model { get; set; } = "";

    /// <summary>Engine capabilities to turn on: mutate, fast-load, live-scaling, host-cache.</summary>
    [ListType("set"), MaxItems(4)]
    public List<Feature>? Features { get; set; }

    /// <summary>The engine pods.</summary>
    [DefaultJson("{}")]
    public EngineSpec Engine { get; set; } = new();

    /// <summary>The router in front of both pools.</summary>
    [DefaultJson("{}")]
    public RouterSpec Router { get; set; } = new();

    /// <summary>Bounds and policy of the autoscaler.</summary>
    [DefaultJson("{}")]
    public ScalingSpec Scaling { get; set; } = new();

    /// <summary>True when <paramref name="feature"/> is listed in <see cref="Features"/>.</summary>
    public bool Has(Feature feature) => Features?.Contains(feature) == true;
}
