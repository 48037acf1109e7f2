using k8s;
using k8s.Models;

namespace Tandem.Operator.Instances;

/// <summary>Owner references, so deleting an InferenceDeployment removes everything it made.</summary>
public static class Owners
{
    /// <summary>A controller owner reference to <paramref name="owner"/> that blocks its foreground deletion.</summary>
    public static V1OwnerReference ControllerReference(IKubernetesObject<V1ObjectMeta> owner) => new()
    {
        ApiVersion = owner.ApiVersion,
        Kind = owner.Kind,
        Name = owner.Metadata.Name,
        Uid = owner.Metadata.Uid,
        Controller = true,
        BlockOwnerDeletion = true,
    };
}
