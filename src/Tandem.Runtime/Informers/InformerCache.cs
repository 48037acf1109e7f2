using k8s;
using k8s.Models;

namespace Tandem.Runtime.Informers;

/// <summary>The <see cref="ICache{T}"/> that DI hands out: the shared informer's cache for <typeparamref name="T"/>.</summary>
internal sealed class InformerCache<T>(SharedInformerFactory factory) : ICache<T> where T : class, IKubernetesObject<V1ObjectMeta>
{
    private ICache<T> Cache => factory.GetInformer<T>().Cache;

    public bool HasSynced => Cache.HasSynced;

    public T? Get(string? ns, string name) => Cache.Get(ns, name);

    public IReadOnlyList<T> List(string? ns = null, string? labelSelector = null) => Cache.List(ns, labelSelector);

    public IReadOnlyList<T> ListByOwner(string ownerUid) => Cache.ListByOwner(ownerUid);

    public Task WaitForSyncAsync(CancellationToken cancellationToken) => Cache.WaitForSyncAsync(cancellationToken);
}
