using k8s.Models;
using Tandem.Api.Schema;
using Tandem.Api.Validation;

namespace Tandem.Api.V1Alpha1;

/// <summary>
/// A pod template merged into every engine pod, as Dynamo's extraPodSpec and KServe's PodSpec allow: volumes and
/// mounts, env from secrets, affinity, tolerations, securityContext, serviceAccountName, imagePullSecrets,
/// priorityClassName, runtimeClassName, sidecars. The container named <c>engine</c> is merged into Tandem's engine
/// container. Tandem's own fields win where they must (name, owner, role and state labels, image, args, GPUs);
/// setting one of those here is refused with its field path.
/// </summary>
public sealed class EnginePodTemplate
{
    /// <summary>Labels and annotations added to every engine pod.</summary>
    public EnginePodTemplateMetadata? Metadata { get; set; }

    /// <summary>A Kubernetes PodSpec (core/v1) merged into the engine pod's spec; lists merge by name, Tandem's defaults (securityContext, probes, cpu and memory) yield to it.</summary>
    public V1PodSpec? Spec { get; set; }
}

/// <summary>Labels and annotations of the engine pod template.</summary>
[Rule(ValidationRules.TemplateLabelsNotTandem)]
public sealed class EnginePodTemplateMetadata
{
    /// <summary>Labels added to every engine pod; keys under serving.tandem.dev/ are Tandem's and refused.</summary>
    public Dictionary<string, string>? Labels { get; set; }

    /// <summary>Annotations added to every engine pod.</summary>
    public Dictionary<string, string>? Annotations { get; set; }
}
