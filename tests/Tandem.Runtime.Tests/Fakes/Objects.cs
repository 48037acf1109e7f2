using k8s.Models;

namespace Tandem.Runtime.Tests.Fakes;

/// <summary>Builders for test objects.</summary>
internal static class Objects
{
    public static V1Pod Pod(string ns, string name, IDictionary<string, string>? labels = null, string? ownerUid = null, string rv = "1", string? uid = null) => new()
    {
        ApiVersion = "v1",
        Kind = "Pod",
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = ns,
            Uid = uid ?? $"uid-{ns}-{name}",
            ResourceVersion = rv,
            Labels = labels is null ? null : new Dictionary<string, string>(labels),
            OwnerReferences = ownerUid is null ? null :
                [new V1OwnerReference { ApiVersion = "apps/v1", Kind = "ReplicaSet", Name = "rs", Uid = ownerUid, Controller = true }],
        },
    };
}
