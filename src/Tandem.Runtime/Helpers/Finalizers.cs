using k8s;
using k8s.Models;
using Tandem.Runtime.Client;

namespace Tandem.Runtime.Helpers;

/// <summary>
/// Adds and removes a finalizer safely: a merge patch of the whole finalizer list carrying the object's
/// resourceVersion, so a concurrent change to the list fails with 409 Conflict (and the reconcile retries on fresh
/// data) instead of dropping another controller's finalizer.
/// </summary>
public static class Finalizers
{
    /// <summary>Adds <paramref name="finalizer"/> if missing; returns the object as stored (or as given when already present).</summary>
    public static Task<T> AddFinalizerAsync<T>(this IResourceClient<T> client, T entity, string finalizer, CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var current = entity.Metadata.Finalizers ?? [];
        return current.Contains(finalizer)
            ? Task.FromResult(entity)
            : WriteAsync(client, entity, [.. current, finalizer], cancellationToken);
    }

    /// <summary>Removes <paramref name="finalizer"/> if present; returns the object as stored (or as given when absent).</summary>
    public static Task<T> RemoveFinalizerAsync<T>(this IResourceClient<T> client, T entity, string finalizer, CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var current = entity.Metadata.Finalizers ?? [];
        return !current.Contains(finalizer)
            ? Task.FromResult(entity)
            : WriteAsync(client, entity, current.Where(f => f != finalizer).ToList(), cancellationToken);
    }

    /// <summary>True when the object is being deleted (deletionTimestamp set): time to clean up and remove the finalizer.</summary>
    public static bool IsBeingDeleted(this IKubernetesObject<V1ObjectMeta> entity) => entity.Metadata.DeletionTimestamp is not null;

    private static Task<T> WriteAsync<T>(IResourceClient<T> client, T entity, IList<string> finalizers, CancellationToken ct)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var body = new Dictionary<string, object?>
        {
            ["metadata"] = new Dictionary<string, object?>
            {
                ["finalizers"] = finalizers,
                ["resourceVersion"] = entity.Metadata.ResourceVersion,
            },
        };
        var patch = new V1Patch(KubernetesJson.Serialize(body), V1Patch.PatchType.MergePatch);
        return client.PatchAsync(entity.Metadata.NamespaceProperty, entity.Metadata.Name, patch, ct);
    }
}
