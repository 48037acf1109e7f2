using k8s;
using k8s.Models;

namespace Tandem.Runtime;

/// <summary>
/// Read access to the informer cache of one kind. Objects are shared with the cache: treat them as read-only and
/// clone (<see cref="Helpers.EntityCopy.Clone{T}"/>) before changing one.
/// </summary>
public interface ICache<T> where T : class, IKubernetesObject<V1ObjectMeta>
{
    /// <summary>True once the first list of every watched namespace has been stored.</summary>
    bool HasSynced { get; }

    /// <summary>The cached object, or null. <paramref name="ns"/> is null or empty for cluster-scoped kinds.</summary>
    T? Get(string? ns, string name);

    /// <summary>Cached objects in <paramref name="ns"/> (all namespaces when null) matching the label selector.</summary>
    /// <exception cref="FormatException">The selector is malformed.</exception>
    IReadOnlyList<T> List(string? ns = null, string? labelSelector = null);

    /// <summary>Cached objects with an owner reference to the object with this UID.</summary>
    IReadOnlyList<T> ListByOwner(string ownerUid);

    /// <summary>Completes when <see cref="HasSynced"/> is true.</summary>
    Task WaitForSyncAsync(CancellationToken cancellationToken);
}
