using k8s;
using k8s.Models;

namespace Tandem.Runtime.Informers;

/// <summary>Receives an informer's changes after the cache holds them (handlers should only enqueue keys).</summary>
public interface IResourceEventHandler<in T> where T : class, IKubernetesObject<V1ObjectMeta>
{
    void OnAdd(T entity);

    /// <summary>A change, or a periodic resync (then <paramref name="oldEntity"/> and <paramref name="newEntity"/> are the same object).</summary>
    void OnUpdate(T oldEntity, T newEntity);

    void OnDelete(T entity);
}
