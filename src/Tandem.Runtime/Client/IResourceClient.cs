using k8s;
using k8s.Models;

namespace Tandem.Runtime.Client;

/// <summary>
/// Typed API access to one kind (built-in or custom) — the I/O seam under informers and helpers, so tests can fake it.
/// A null or empty namespace means cluster-wide (list/watch) or a cluster-scoped object.
/// </summary>
public interface IResourceClient<T> where T : class, IKubernetesObject<V1ObjectMeta>
{
    /// <summary>Lists objects and returns them with the list's resourceVersion.</summary>
    Task<ResourceList<T>> ListAsync(string? ns, string? labelSelector, CancellationToken cancellationToken);

    /// <summary>
    /// Watches from <paramref name="resourceVersion"/> (with bookmarks). Ends when the server closes the stream.
    /// Throws <see cref="ResourceExpiredException"/> when the version is too old (410 Gone, in-stream or as status).
    /// </summary>
    IAsyncEnumerable<WatchEvent<T>> WatchAsync(string? ns, string resourceVersion, string? labelSelector, CancellationToken cancellationToken);

    /// <summary>Reads one object from the API server; null when it does not exist.</summary>
    Task<T?> GetAsync(string? ns, string name, CancellationToken cancellationToken);

    Task<T> CreateAsync(T entity, CancellationToken cancellationToken);

    /// <summary>PUT with the entity's resourceVersion: a stale version fails with 409 Conflict.</summary>
    Task<T> ReplaceAsync(T entity, CancellationToken cancellationToken);

    /// <summary>PUT to the /status subresource with the entity's resourceVersion.</summary>
    Task<T> ReplaceStatusAsync(T entity, CancellationToken cancellationToken);

    Task<T> PatchAsync(string? ns, string name, V1Patch patch, CancellationToken cancellationToken);

    /// <summary>Deletes the object; false when it was already gone.</summary>
    Task<bool> DeleteAsync(string? ns, string name, CancellationToken cancellationToken);
}

/// <summary>The items of one list call and the resourceVersion to watch from.</summary>
public sealed record ResourceList<T>(IReadOnlyList<T> Items, string ResourceVersion);

/// <summary>One watch event: its type and object (for a bookmark, only metadata.resourceVersion is set).</summary>
public readonly record struct WatchEvent<T>(WatchEventType Type, T Object);

/// <summary>The requested resourceVersion is older than the server keeps (410 Gone): the informer must relist.</summary>
public sealed class ResourceExpiredException(string message, Exception? inner = null) : Exception(message, inner);
