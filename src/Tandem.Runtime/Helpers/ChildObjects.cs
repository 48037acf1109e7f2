using System.Net;
using System.Reflection;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Tandem.Runtime.Client;

namespace Tandem.Runtime.Helpers;

/// <summary>What <see cref="ChildObjects.CreateOrUpdateAsync{TChild}"/> did.</summary>
public enum OperationResult { Unchanged, Created, Updated }

/// <summary>
/// Create-or-update of a controller's children (controller-runtime's controllerutil.CreateOrUpdate): the child gets a
/// controller owner reference to its owner (so deleting the owner garbage-collects it and child changes enqueue the
/// owner); an existing child is updated only when a field the controller sets differs (<see cref="JsonSubset"/>), so
/// fields the apiserver defaulted never cause a write. With an informer cache the existing child is read from it, so a
/// steady reconcile costs no API request at all.
/// </summary>
public static class ChildObjects
{
    /// <summary>
    /// Makes the child named by <paramref name="desired"/> match it. By default every top-level field of
    /// <paramref name="desired"/> except metadata and status replaces the stored one and desired labels/annotations
    /// are merged in; pass <paramref name="mutate"/> (existing, desired) to merge differently (e.g. to keep fields the
    /// server defaults). A stale read fails with 409 Conflict, which the reconcile retries. A field that
    /// <paramref name="desired"/> stops setting is left as stored (as with server-side apply by another manager);
    /// list entries are compared whole, so a removed port or container is removed.
    /// </summary>
    public static async Task<(TChild Child, OperationResult Result)> CreateOrUpdateAsync<TChild>(
        this IResourceClient<TChild> client,
        IKubernetesObject<V1ObjectMeta> owner,
        TChild desired,
        Action<TChild, TChild>? mutate = null,
        CancellationToken cancellationToken = default,
        ICache<TChild>? cache = null)
        where TChild : class, IKubernetesObject<V1ObjectMeta>
    {
        SetControllerReference(desired, owner);
        var ns = desired.Metadata.NamespaceProperty;
        var existing = cache is not null
            ? cache.Get(ns, desired.Metadata.Name)
            : await client.GetAsync(ns, desired.Metadata.Name, cancellationToken).ConfigureAwait(false);
        if (existing is null)
        {
            try
            {
                return (await client.CreateAsync(desired, cancellationToken).ConfigureAwait(false), OperationResult.Created);
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
            {
                // Created meanwhile (e.g. by a previous reconcile whose watch event has not arrived): update it instead.
                existing = await client.GetAsync(ns, desired.Metadata.Name, cancellationToken).ConfigureAwait(false)
                    ?? throw new InvalidOperationException($"{desired.Kind}/{ns}/{desired.Metadata.Name}: create conflicted but the object is gone", e);
            }
        }

        var updated = EntityCopy.Clone(existing);
        (mutate ?? CopySpec)(updated, desired);
        MergeMetadata(updated.Metadata, desired.Metadata);
        SetControllerReference(updated, owner);
        if (JsonSubset.Contains(JsonNode.Parse(KubernetesJson.Serialize(existing)), JsonNode.Parse(KubernetesJson.Serialize(updated))))
        {
            return (existing, OperationResult.Unchanged);
        }

        return (await client.ReplaceAsync(updated, cancellationToken).ConfigureAwait(false), OperationResult.Updated);
    }

    /// <summary>Sets (or refreshes) the controller owner reference of <paramref name="child"/> to <paramref name="owner"/>.</summary>
    /// <exception cref="InvalidOperationException">Another object already controls the child, or the owner has no UID yet.</exception>
    public static void SetControllerReference(IKubernetesObject<V1ObjectMeta> child, IKubernetesObject<V1ObjectMeta> owner)
    {
        if (string.IsNullOrEmpty(owner.Metadata.Uid)) throw new InvalidOperationException($"owner {owner.Kind}/{owner.Metadata.Name} has no UID: read it from the API server before owning children");
        var refs = child.Metadata.OwnerReferences ??= new List<V1OwnerReference>();
        var other = refs.FirstOrDefault(r => r.Controller == true && r.Uid != owner.Metadata.Uid);
        if (other is not null) throw new InvalidOperationException($"{child.Metadata.Name} is already controlled by {other.Kind}/{other.Name}");
        var mine = new V1OwnerReference { ApiVersion = owner.ApiVersion, Kind = owner.Kind, Name = owner.Metadata.Name, Uid = owner.Metadata.Uid, BlockOwnerDeletion = true, Controller = true };
        var index = refs.ToList().FindIndex(r => r.Uid == owner.Metadata.Uid);
        if (index >= 0) refs[index] = mine;
        else refs.Add(mine);
    }

    private static void MergeMetadata(V1ObjectMeta target, V1ObjectMeta desired)
    {
        foreach (var (k, v) in desired.Labels ?? new Dictionary<string, string>()) (target.Labels ??= new Dictionary<string, string>())[k] = v;
        foreach (var (k, v) in desired.Annotations ?? new Dictionary<string, string>()) (target.Annotations ??= new Dictionary<string, string>())[k] = v;
    }

    private static void CopySpec<TChild>(TChild target, TChild desired)
    {
        foreach (var p in typeof(TChild).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (p.Name is "Metadata" or "Status" or "ApiVersion" or "Kind" || !p.CanWrite || !p.CanRead) continue;
            p.SetValue(target, p.GetValue(desired));
        }
    }
}
