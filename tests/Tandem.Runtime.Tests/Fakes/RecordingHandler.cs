using System.Collections.Concurrent;
using k8s;
using k8s.Models;
using Tandem.Runtime.Informers;

namespace Tandem.Runtime.Tests.Fakes;

/// <summary>Records informer notifications as "add ns/name", "update ns/name", "resync ns/name", "delete ns/name".</summary>
internal sealed class RecordingHandler<T> : IResourceEventHandler<T> where T : class, IKubernetesObject<V1ObjectMeta>
{
    public ConcurrentQueue<string> Seen { get; } = new();

    public void OnAdd(T entity) => Seen.Enqueue("add " + Name(entity));

    public void OnUpdate(T oldEntity, T newEntity) => Seen.Enqueue((ReferenceEquals(oldEntity, newEntity) ? "resync " : "update ") + Name(newEntity));

    public void OnDelete(T entity) => Seen.Enqueue("delete " + Name(entity));

    private static string Name(T e) => $"{e.Metadata.NamespaceProperty}/{e.Metadata.Name}";
}
