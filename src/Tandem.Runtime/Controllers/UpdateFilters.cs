using k8s;
using k8s.Models;
using Tandem.Runtime.Resources;

namespace Tandem.Runtime.Controllers;

/// <summary>Pure decisions about which changes enqueue a key, and which owner a child maps to.</summary>
public static class UpdateFilters
{
    /// <summary>
    /// controller-runtime's GenerationChangedPredicate widened to metadata a reconciler acts on: true when the spec
    /// changed (generation), or labels, annotations, finalizers, owners or deletion did. Status-only writes (our own)
    /// are filtered out so they never cause a hot loop. Kinds without a generation always pass.
    /// </summary>
    public static bool SpecOrMetadataChanged<T>(T oldEntity, T newEntity) where T : IKubernetesObject<V1ObjectMeta>
    {
        var o = oldEntity.Metadata;
        var n = newEntity.Metadata;
        if (o.Generation is null || n.Generation is null) return true;
        return o.Generation != n.Generation
            || o.DeletionTimestamp != n.DeletionTimestamp
            || !SameMap(o.Labels, n.Labels)
            || !SameMap(o.Annotations, n.Annotations)
            || !(o.Finalizers ?? []).SequenceEqual(n.Finalizers ?? [])
            || !(o.OwnerReferences ?? []).Select(r => r.Uid).SequenceEqual((n.OwnerReferences ?? []).Select(r => r.Uid));
    }

    /// <summary>The key of <paramref name="child"/>'s controlling owner when that owner is of <paramref name="ownerType"/>.</summary>
    public static IEnumerable<ReconcileRequest> ControllerOwner<TChild>(TChild child, ResourceType ownerType)
        where TChild : IKubernetesObject<V1ObjectMeta>
    {
        foreach (var owner in child.Metadata.OwnerReferences ?? [])
        {
            if (owner.Controller == true && ownerType.Matches(owner.ApiVersion, owner.Kind))
            {
                yield return new ReconcileRequest(child.Metadata.NamespaceProperty ?? string.Empty, owner.Name);
            }
        }
    }

    private static bool SameMap(IDictionary<string, string>? a, IDictionary<string, string>? b)
    {
        if ((a?.Count ?? 0) != (b?.Count ?? 0)) return false;
        if (a is null || b is null) return true;
        foreach (var (k, v) in a)
        {
            if (!b.TryGetValue(k, out var w) || w != v) return false;
        }

        return true;
    }
}
