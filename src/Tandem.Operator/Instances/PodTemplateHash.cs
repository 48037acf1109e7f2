using System.Security.Cryptography;
using System.Text;
using k8s;
using k8s.Models;
using Tandem.Api.V1Alpha1;

namespace Tandem.Operator.Instances;

/// <summary>
/// The engine pod template's fingerprint, carried by every engine pod as a label (like a Deployment's
/// <c>pod-template-hash</c>): a pod whose label differs from the current template's was built from an older spec or
/// ModelProfile and is replaced instance by instance. Pods made before the label existed have none and count as outdated.
/// </summary>
public static class PodTemplateHash
{
    /// <summary>The label key.</summary>
    public const string Label = ApiGroup.Group + "/template-hash";

    /// <summary>
    /// The hash of a built pod: its spec, labels and annotations, without what differs between instances of one template
    /// (the name, and the role and state labels the autoscaler changes).
    /// </summary>
    public static string Of(V1Pod pod)
    {
        var labels = (pod.Metadata.Labels ?? new Dictionary<string, string>())
            .Where(l => l.Key is not (WellKnownLabels.State or WellKnownLabels.Role or Label))
            .OrderBy(l => l.Key, StringComparer.Ordinal);
        var annotations = (pod.Metadata.Annotations ?? new Dictionary<string, string>()).OrderBy(a => a.Key, StringComparer.Ordinal);
        var text = KubernetesJson.Serialize(pod.Spec) + "\n" + string.Join("\n", labels.Concat(annotations).Select(p => p.Key + "=" + p.Value));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..10];
    }

    /// <summary>The pod's template hash label, or null (a pod made before the label existed).</summary>
    public static string? Read(V1Pod pod) => InstanceLabels.Label(pod, Label);
}
