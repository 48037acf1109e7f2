using System.Net;
using System.Reflection;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Tandem.Runtime.Client;

namespace Tandem.Runtime.Helpers;

/// <summary>
/// Status writes through the /status subresource: compute the new status on a copy, write only if it changed, and on
/// 409 Conflict re-read the object and compute again (a bounded number of times).
/// </summary>
public static class StatusUpdates
{
    /// <summary>Attempts before a persistent conflict is thrown to the caller (whose reconcile then backs off).</summary>
    public const int MaxAttempts = 5;

    /// <summary>
    /// Applies <paramref name="mutate"/> to a copy of <paramref name="entity"/>; if its status changed, PUTs it to
    /// /status. Returns the stored object, or <paramref name="entity"/> itself when nothing changed (no write).
    /// </summary>
    public static async Task<T> UpdateStatusAsync<T>(this IResourceClient<T> client, T entity, Action<T> mutate, CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var current = entity;
        for (var attempt = 1; ; attempt++)
        {
            var copy = EntityCopy.Clone(current);
            mutate(copy);
            if (EntityCopy.SameJson(StatusOf(current), StatusOf(copy))) return current;
            try
            {
                return await client.ReplaceStatusAsync(copy, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict && attempt < MaxAttempts)
            {
                current = await client.GetAsync(entity.Metadata.NamespaceProperty, entity.Metadata.Name, cancellationToken).ConfigureAwait(false)
                    ?? throw new InvalidOperationException($"{entity.Kind}/{entity.Metadata.NamespaceProperty}/{entity.Metadata.Name} was deleted during a status update");
            }
        }
    }

    private static object? StatusOf<T>(T entity)
    {
        var property = typeof(T).GetProperty("Status", BindingFlags.Public | BindingFlags.Instance)
            ?? throw new InvalidOperationException($"{typeof(T).Name} has no public Status property to update");
        return property.GetValue(entity);
    }
}
