using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Tandem.Runtime.Client;

namespace Tandem.Runtime.Events;

/// <summary>
/// Writes events.k8s.io/v1 Events. An event equal to one recorded within <see cref="SeriesWindow"/> (same object,
/// type, reason, action and note) is folded into that Event's series (count, lastObservedTime) by a merge patch, as
/// client-go's events recorder does; the first occurrence is created without a series.
/// </summary>
internal sealed class EventRecorder(
    IResourceClient<Eventsv1Event> events,
    TimeProvider time,
    ILeadership leadership,
    ILogger<EventRecorder> logger) : IEventRecorder
{
    /// <summary>How long an event stays foldable (client-go uses 6 minutes).</summary>
    public static readonly TimeSpan SeriesWindow = TimeSpan.FromMinutes(6);

    private const int MaxTracked = 4096;
    private const string ReportingController = "serving.tandem.dev/operator";
    private readonly object _gate = new();
    private readonly Dictionary<string, Seen> _seen = new(StringComparer.Ordinal);

    public async Task RecordAsync(IKubernetesObject<V1ObjectMeta> regarding, string type, string reason, string note, string? action = null, CancellationToken cancellationToken = default)
    {
        if (type is not (EventTypes.Normal or EventTypes.Warning)) throw new ArgumentException($"event type must be Normal or Warning, got '{type}'", nameof(type));
        if (string.IsNullOrEmpty(reason)) throw new ArgumentException("event reason must not be empty", nameof(reason));
        action ??= reason;
        var ns = string.IsNullOrEmpty(regarding.Metadata.NamespaceProperty) ? "default" : regarding.Metadata.NamespaceProperty;
        var key = string.Join('\u001f', regarding.Metadata.Uid ?? $"{regarding.Kind}/{ns}/{regarding.Metadata.Name}", type, reason, action, note);
        var now = time.GetUtcNow().UtcDateTime;
        try
        {
            Seen? previous;
            lock (_gate) previous = _seen.GetValueOrDefault(key);
            if (previous is not null && now - previous.LastObserved < SeriesWindow)
            {
                var count = previous.Count + 1;
                var series = new Eventsv1EventSeries { Count = count, LastObservedTime = now };
                var patch = new V1Patch(KubernetesJson.Serialize(new Dictionary<string, object> { ["series"] = series }), V1Patch.PatchType.MergePatch);
                try
                {
                    await events.PatchAsync(previous.Namespace, previous.Name, patch, cancellationToken).ConfigureAwait(false);
                    Remember(key, previous with { Count = count, LastObserved = now });
                    return;
                }
                catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
                {
                    // The Event expired or was deleted: start a new one.
                }
            }

            var created = await events.CreateAsync(new Eventsv1Event
            {
                ApiVersion = "events.k8s.io/v1",
                Kind = "Event",
                Metadata = new V1ObjectMeta { Name = $"{regarding.Metadata.Name}.{now.Ticks:x}", NamespaceProperty = ns },
                EventTime = now,
                Regarding = new V1ObjectReference
                {
                    ApiVersion = regarding.ApiVersion,
                    Kind = regarding.Kind,
                    Name = regarding.Metadata.Name,
                    NamespaceProperty = regarding.Metadata.NamespaceProperty,
                    Uid = regarding.Metadata.Uid,
                    ResourceVersion = regarding.Metadata.ResourceVersion,
                },
                Type = type,
                Reason = reason,
                Action = action,
                Note = note.Length > 1024 ? note[..1024] : note,
                ReportingController = ReportingController,
                ReportingInstance = leadership.Identity,
            }, cancellationToken).ConfigureAwait(false);
            Remember(key, new Seen(ns, created.Metadata.Name, 1, now));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Events are best effort: a failed event must never fail a reconcile.
            logger.LogWarning(e, "Could not record event {Reason} on {Kind}/{Namespace}/{Name}", reason, regarding.Kind, ns, regarding.Metadata.Name);
        }
    }

    private void Remember(string key, Seen seen)
    {
        lock (_gate)
        {
            if (_seen.Count >= MaxTracked && !_seen.ContainsKey(key))
            {
                // Bounded memory: forget events too old to fold, or everything if all are recent.
                var cutoff = seen.LastObserved - SeriesWindow;
                foreach (var old in _seen.Where(kv => kv.Value.LastObserved < cutoff).Select(kv => kv.Key).ToList()) _seen.Remove(old);
                if (_seen.Count >= MaxTracked) _seen.Clear();
            }

            _seen[key] = seen;
        }
    }

    private sealed record Seen(string Namespace, string Name, int Count, DateTime LastObserved);
}
