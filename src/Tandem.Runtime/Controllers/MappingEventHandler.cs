using k8s;
using k8s.Models;
using Tandem.Runtime.Informers;

namespace Tandem.Runtime.Controllers;

/// <summary>
/// Turns an informer's changes into reconcile keys: the object itself (For), its controlling owner (Owns), or any
/// mapping (Watches). An optional update filter drops updates that do not matter (see <see cref="UpdateFilters"/>).
/// </summary>
public sealed class MappingEventHandler<T>(
    Func<T, IEnumerable<ReconcileRequest>> map,
    Action<ReconcileRequest> enqueue,
    Func<T, T, bool>? updateFilter = null) : IResourceEventHandler<T> where T : class, IKubernetesObject<V1ObjectMeta>
{
    public void OnAdd(T entity) => Enqueue(entity);

    public void OnUpdate(T oldEntity, T newEntity)
    {
        // A resync hands the same object twice: always enqueue it, that is the point of a resync.
        if (!ReferenceEquals(oldEntity, newEntity) && updateFilter is not null && !updateFilter(oldEntity, newEntity)) return;
        if (!ReferenceEquals(oldEntity, newEntity)) Enqueue(oldEntity);
        Enqueue(newEntity);
    }

    public void OnDelete(T entity) => Enqueue(entity);

    private void Enqueue(T entity)
    {
        foreach (var request in map(entity)) enqueue(request);
    }
}
