namespace Tandem.Runtime;

/// <summary>The key of one object to reconcile: its namespace (empty for cluster-scoped kinds) and name.</summary>
public readonly record struct ReconcileRequest(string Namespace, string Name)
{
    /// <summary>Builds the request that names <paramref name="entity"/>.</summary>
    public static ReconcileRequest For(k8s.IKubernetesObject<k8s.Models.V1ObjectMeta> entity) =>
        new(entity.Metadata?.NamespaceProperty ?? string.Empty, entity.Metadata?.Name ?? string.Empty);

    public override string ToString() => string.IsNullOrEmpty(Namespace) ? Name : $"{Namespace}/{Name}";
}
