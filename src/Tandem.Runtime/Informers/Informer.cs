using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Tandem.Runtime.Cache;
using Tandem.Runtime.Client;
using Tandem.Runtime.Metrics;
using Tandem.Runtime.Queue;
using Tandem.Runtime.Resources;

namespace Tandem.Runtime.Informers;

/// <summary>
/// List-then-watch for one kind (one loop per watched namespace, or one cluster-wide): fills an <see cref="ObjectCache{T}"/>,
/// tells handlers, resumes a dropped watch from the last resourceVersion (bookmarks keep it fresh), relists on 410 Gone,
/// and hands every cached object to the handlers again each resync period.
/// </summary>
public sealed class Informer<T> : IInformer where T : class, IKubernetesObject<V1ObjectMeta>
{
    private static readonly ExponentialBackoff ErrorBackoff = new(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30));

    // How often to look again for a kind the API server does not serve yet (its CRD not installed).
    private static readonly TimeSpan NotServedPoll = TimeSpan.FromSeconds(1);
    private readonly IResourceClient<T> _client;
    private readonly InformerSettings _settings;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly RuntimeMetrics? _metrics;
    private readonly object _handlersGate = new();
    private IResourceEventHandler<T>[] _handlers = [];
    private int _syncedLoops;

    public Informer(IResourceClient<T> client, InformerSettings settings, TimeProvider time, ILogger<Informer<T>> logger, RuntimeMetrics? metrics = null)
    {
        _client = client;
        _settings = settings;
        _time = time;
        _logger = logger;
        _metrics = metrics;
        Resource = ResourceType.Of<T>().ToString();
    }

    public string Resource { get; }

    public ObjectCache<T> Cache { get; } = new();

    public bool HasSynced => Cache.HasSynced;

    public Task WaitForSyncAsync(CancellationToken cancellationToken) => Cache.WaitForSyncAsync(cancellationToken);

    /// <summary>Adds a handler; objects already cached are replayed to it as adds.</summary>
    public void AddHandler(IResourceEventHandler<T> handler)
    {
        lock (_handlersGate)
        {
            _handlers = [.. _handlers, handler];
            foreach (var item in Cache.Snapshot()) handler.OnAdd(item);
        }
    }

    public Task RunAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<string?> scopes = _settings.Namespaces.Count == 0 ? [null] : _settings.Namespaces.Cast<string?>().ToList();
        var loops = scopes.Select(ns => ListWatchLoopAsync(ns, scopes.Count, cancellationToken)).ToList();
        if (_settings.ResyncPeriod > TimeSpan.Zero) loops.Add(ResyncLoopAsync(cancellationToken));
        return Task.WhenAll(loops);
    }

    private async Task ListWatchLoopAsync(string? ns, int scopes, CancellationToken ct)
    {
        string? resourceVersion = null;
        var failures = 0;
        var synced = false;
        var waitingForKind = false;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (resourceVersion is null)
                {
                    resourceVersion = await RelistAsync(ns, ct).ConfigureAwait(false);
                    if (waitingForKind)
                    {
                        waitingForKind = false;
                        _logger.LogInformation("{Resource} is served now; watching it", Resource);
                    }

                    if (!synced)
                    {
                        synced = true;
                        if (Interlocked.Increment(ref _syncedLoops) == scopes) Cache.MarkSynced();
                    }
                }

                await foreach (var e in _client.WatchAsync(ns, resourceVersion, _settings.LabelSelector, ct).ConfigureAwait(false))
                {
                    resourceVersion = Apply(e) ?? resourceVersion;
                    failures = 0;
                }

                // The server ended the watch (its timeout): resume from where we are.
                _metrics?.WatchRestarts.WithLabels(Resource, "closed").Inc();
                _logger.LogDebug("Watch {Resource} in {Namespace} closed at resourceVersion {ResourceVersion}; resuming", Resource, ns ?? "*", resourceVersion);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (k8s.Autorest.HttpOperationException e) when (resourceVersion is null && e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                // Started before its CRDs were applied: wait quietly (not ready until listed), say so once, and
                // look again every second so the operator is ready soon after `kubectl apply -f crds/`.
                if (!waitingForKind)
                {
                    waitingForKind = true;
                    _logger.LogInformation("{Resource} is not served by the API server yet (is its CustomResourceDefinition installed?); waiting for it", Resource);
                }

                try
                {
                    await Task.Delay(NotServedPoll, _time, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            catch (ResourceExpiredException e)
            {
                _metrics?.WatchRestarts.WithLabels(Resource, "expired").Inc();
                _logger.LogInformation("Watch {Resource} in {Namespace}: {Reason}; relisting", Resource, ns ?? "*", e.Message);
                resourceVersion = null;
            }
            catch (Exception e)
            {
                _metrics?.WatchRestarts.WithLabels(Resource, "error").Inc();
                var delay = ErrorBackoff.Delay(failures++);
                _logger.LogWarning(e, "List/watch {Resource} in {Namespace} failed; retrying in {Delay}", Resource, ns ?? "*", delay);
                try
                {
                    await Task.Delay(delay, _time, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task<string> RelistAsync(string? ns, CancellationToken ct)
    {
        var list = await _client.ListAsync(ns, _settings.LabelSelector, ct).ConfigureAwait(false);
        var handlers = Handlers();
        foreach (var gone in Cache.RemoveMissing(ns, list.Items))
        {
            foreach (var h in handlers) h.OnDelete(gone);
        }

        foreach (var item in list.Items) Upserted(Cache.Upsert(item), item, handlers);
        _logger.LogDebug("Listed {Count} {Resource} in {Namespace} at resourceVersion {ResourceVersion}", list.Items.Count, Resource, ns ?? "*", list.ResourceVersion);
        return list.ResourceVersion;
    }

    // Returns the resourceVersion the event carries (bookmarks carry only that).
    private string? Apply(WatchEvent<T> e)
    {
        var rv = e.Object?.Metadata?.ResourceVersion;
        switch (e.Type)
        {
            case WatchEventType.Added:
            case WatchEventType.Modified:
                Upserted(Cache.Upsert(e.Object!), e.Object!, Handlers());
                break;
            case WatchEventType.Deleted:
                var removed = Cache.Remove(e.Object!.Metadata.NamespaceProperty, e.Object.Metadata.Name) ?? e.Object;
                foreach (var h in Handlers()) h.OnDelete(removed);
                break;
        }

        return string.IsNullOrEmpty(rv) ? null : rv;
    }

    private static void Upserted(T? old, T item, IResourceEventHandler<T>[] handlers)
    {
        if (old is null)
        {
            foreach (var h in handlers) h.OnAdd(item);
        }
        else if (old.Metadata.ResourceVersion != item.Metadata.ResourceVersion)
        {
            foreach (var h in handlers) h.OnUpdate(old, item);
        }
    }

    private async Task ResyncLoopAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(_settings.ResyncPeriod, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                var handlers = Handlers();
                foreach (var item in Cache.Snapshot())
                {
                    foreach (var h in handlers) h.OnUpdate(item, item);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // shutting down
        }
    }

    private IResourceEventHandler<T>[] Handlers()
    {
        lock (_handlersGate) return _handlers;
    }
}

/// <summary>What one informer watches: namespaces (empty = all), an optional label selector, the resync period.</summary>
public sealed record InformerSettings(IReadOnlyList<string> Namespaces, TimeSpan ResyncPeriod, string? LabelSelector = null);
