using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Options;
using Tandem.Runtime.Resources;

namespace Tandem.Runtime.Client;

/// <summary>
/// <see cref="IResourceClient{T}"/> over the one singleton <see cref="IKubernetes"/>, through KubernetesClient's generic
/// CustomObjects operations (which map the empty core group to /api/v1, so built-in kinds work too); watches are read by
/// <see cref="WatchStream"/> over the same client's HttpClient and credentials.
/// </summary>
public sealed class KubernetesResourceClient<T>(IKubernetes kubernetes, IOptions<RuntimeOptions>? options = null) : IResourceClient<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly ResourceType _type = ResourceType.Of<T>();
    private readonly string _fieldManager = options?.Value.FieldManager ?? RuntimeOptions.DefaultFieldManager;
    private readonly int _watchTimeoutSeconds = (int)Math.Max(1, (options?.Value.WatchTimeout ?? TimeSpan.FromMinutes(5)).TotalSeconds);

    public async Task<ResourceList<T>> ListAsync(string? ns, string? labelSelector, CancellationToken cancellationToken)
    {
        var items = new List<T>();
        string? continueToken = null;
        string resourceVersion;
        do
        {
            // Pages of 500 keep each response small; the last page's resourceVersion is the list's.
            var response = string.IsNullOrEmpty(ns)
                ? await kubernetes.CustomObjects.ListClusterCustomObjectWithHttpMessagesAsync<EntityList<T>>(
                    _type.Group, _type.Version, _type.Plural, continueParameter: continueToken, labelSelector: labelSelector,
                    limit: 500, cancellationToken: cancellationToken).ConfigureAwait(false)
                : await kubernetes.CustomObjects.ListNamespacedCustomObjectWithHttpMessagesAsync<EntityList<T>>(
                    _type.Group, _type.Version, ns, _type.Plural, continueParameter: continueToken, labelSelector: labelSelector,
                    limit: 500, cancellationToken: cancellationToken).ConfigureAwait(false);
            using (response)
            {
                var list = response.Body;
                foreach (var item in list.Items) items.Add(WithTypeMeta(item));
                continueToken = list.Metadata?.ContinueProperty;
                resourceVersion = list.Metadata?.ResourceVersion ?? string.Empty;
            }
        }
        while (!string.IsNullOrEmpty(continueToken));

        return new ResourceList<T>(items, resourceVersion);
    }

    public async IAsyncEnumerable<WatchEvent<T>> WatchAsync(
        string? ns, string resourceVersion, string? labelSelector, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (kubernetes is not Kubernetes concrete)
        {
            throw new NotSupportedException($"watching needs KubernetesClient's Kubernetes client (its HttpClient and credentials), got {kubernetes.GetType().Name}");
        }

        await foreach (var (type, json) in WatchStream.ReadAsync(concrete, _type, ns, resourceVersion, labelSelector, _watchTimeoutSeconds, cancellationToken).ConfigureAwait(false))
        {
            var obj = KubernetesJson.Deserialize<T>(json);
            yield return new WatchEvent<T>(type, type == WatchEventType.Bookmark ? obj : WithTypeMeta(obj));
        }
    }

    public async Task<T?> GetAsync(string? ns, string name, CancellationToken cancellationToken)
    {
        try
        {
            var response = string.IsNullOrEmpty(ns)
                ? await kubernetes.CustomObjects.GetClusterCustomObjectWithHttpMessagesAsync<T>(
                    _type.Group, _type.Version, _type.Plural, name, cancellationToken: cancellationToken).ConfigureAwait(false)
                : await kubernetes.CustomObjects.GetNamespacedCustomObjectWithHttpMessagesAsync<T>(
                    _type.Group, _type.Version, ns, _type.Plural, name, cancellationToken: cancellationToken).ConfigureAwait(false);
            using (response) return WithTypeMeta(response.Body);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<T> CreateAsync(T entity, CancellationToken cancellationToken)
    {
        WithTypeMeta(entity);
        var ns = entity.Metadata.NamespaceProperty;
        var response = string.IsNullOrEmpty(ns)
            ? await kubernetes.CustomObjects.CreateClusterCustomObjectWithHttpMessagesAsync<T>(
                entity, _type.Group, _type.Version, _type.Plural, fieldManager: _fieldManager, cancellationToken: cancellationToken).ConfigureAwait(false)
            : await kubernetes.CustomObjects.CreateNamespacedCustomObjectWithHttpMessagesAsync<T>(
                entity, _type.Group, _type.Version, ns, _type.Plural, fieldManager: _fieldManager, cancellationToken: cancellationToken).ConfigureAwait(false);
        using (response) return WithTypeMeta(response.Body);
    }

    public async Task<T> ReplaceAsync(T entity, CancellationToken cancellationToken)
    {
        WithTypeMeta(entity);
        var ns = entity.Metadata.NamespaceProperty;
        var response = string.IsNullOrEmpty(ns)
            ? await kubernetes.CustomObjects.ReplaceClusterCustomObjectWithHttpMessagesAsync<T>(
                entity, _type.Group, _type.Version, _type.Plural, entity.Metadata.Name, fieldManager: _fieldManager, cancellationToken: cancellationToken).ConfigureAwait(false)
            : await kubernetes.CustomObjects.ReplaceNamespacedCustomObjectWithHttpMessagesAsync<T>(
                entity, _type.Group, _type.Version, ns, _type.Plural, entity.Metadata.Name, fieldManager: _fieldManager, cancellationToken: cancellationToken).ConfigureAwait(false);
        using (response) return WithTypeMeta(response.Body);
    }

    public async Task<T> ReplaceStatusAsync(T entity, CancellationToken cancellationToken)
    {
        WithTypeMeta(entity);
        var ns = entity.Metadata.NamespaceProperty;
        var response = string.IsNullOrEmpty(ns)
            ? await kubernetes.CustomObjects.ReplaceClusterCustomObjectStatusWithHttpMessagesAsync<T>(
                entity, _type.Group, _type.Version, _type.Plural, entity.Metadata.Name, fieldManager: _fieldManager, cancellationToken: cancellationToken).ConfigureAwait(false)
            : await kubernetes.CustomObjects.ReplaceNamespacedCustomObjectStatusWithHttpMessagesAsync<T>(
                entity, _type.Group, _type.Version, ns, _type.Plural, entity.Metadata.Name, fieldManager: _fieldManager, cancellationToken: cancellationToken).ConfigureAwait(false);
        using (response) return WithTypeMeta(response.Body);
    }

    public async Task<T> PatchAsync(string? ns, string name, V1Patch patch, CancellationToken cancellationToken)
    {
        var response = string.IsNullOrEmpty(ns)
            ? await kubernetes.CustomObjects.PatchClusterCustomObjectWithHttpMessagesAsync<T>(
                patch, _type.Group, _type.Version, _type.Plural, name, fieldManager: _fieldManager, cancellationToken: cancellationToken).ConfigureAwait(false)
            : await kubernetes.CustomObjects.PatchNamespacedCustomObjectWithHttpMessagesAsync<T>(
                patch, _type.Group, _type.Version, ns, _type.Plural, name, fieldManager: _fieldManager, cancellationToken: cancellationToken).ConfigureAwait(false);
        using (response) return WithTypeMeta(response.Body);
    }

    public async Task<bool> DeleteAsync(string? ns, string name, CancellationToken cancellationToken)
    {
        try
        {
            var response = string.IsNullOrEmpty(ns)
                ? await kubernetes.CustomObjects.DeleteClusterCustomObjectWithHttpMessagesAsync(
                    _type.Group, _type.Version, _type.Plural, name, cancellationToken: cancellationToken).ConfigureAwait(false)
                : await kubernetes.CustomObjects.DeleteNamespacedCustomObjectWithHttpMessagesAsync(
                    _type.Group, _type.Version, ns, _type.Plural, name, cancellationToken: cancellationToken).ConfigureAwait(false);
            response.Dispose();
            return true;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    // Items in a list (and some watch events) omit apiVersion/kind; fill them so owner references and events work.
    private T WithTypeMeta(T item)
    {
        item.ApiVersion ??= _type.ApiVersion;
        item.Kind ??= _type.Kind;
        if (string.IsNullOrEmpty(item.ApiVersion)) item.ApiVersion = _type.ApiVersion;
        if (string.IsNullOrEmpty(item.Kind)) item.Kind = _type.Kind;
        return item;
    }
}

/// <summary>A watch stream failed for a reason other than an expired resourceVersion; the informer resumes it.</summary>
public sealed class WatchFailedException(string message, Exception inner) : Exception(message, inner);
