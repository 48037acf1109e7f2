using k8s.Models;
using Tandem.Runtime.Client;

namespace Tandem.Testing;

/// <summary>A client for a kind the test expects no call on: any call fails the test's tick loudly.</summary>
public sealed class NoCallsClient<T> : IResourceClient<T> where T : class, k8s.IKubernetesObject<V1ObjectMeta>
{
    public Task<ResourceList<T>> ListAsync(string? ns, string? labelSelector, CancellationToken cancellationToken) => throw Unexpected();

    public IAsyncEnumerable<WatchEvent<T>> WatchAsync(string? ns, string resourceVersion, string? labelSelector, CancellationToken cancellationToken) => throw Unexpected();

    public Task<T?> GetAsync(string? ns, string name, CancellationToken cancellationToken) => throw Unexpected();

    public Task<T> CreateAsync(T entity, CancellationToken cancellationToken) => throw Unexpected();

    public Task<T> ReplaceAsync(T entity, CancellationToken cancellationToken) => throw Unexpected();

    public Task<T> ReplaceStatusAsync(T entity, CancellationToken cancellationToken) => throw Unexpected();

    public Task<T> PatchAsync(string? ns, string name, V1Patch patch, CancellationToken cancellationToken) => throw Unexpected();

    public Task<bool> DeleteAsync(string? ns, string name, CancellationToken cancellationToken) => throw Unexpected();

    private static InvalidOperationException Unexpected() => new($"no {typeof(T).Name} call was expected");
}
