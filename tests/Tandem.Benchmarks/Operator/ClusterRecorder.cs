using k8s;
using k8s.Models;
using Tandem.Api.V1Alpha1;

namespace Tandem.Benchmarks.Operator;

/// <summary>One engine pod as last seen: its lifecycle state and role labels.</summary>
internal sealed record PodView(string Name, string State, string? Role);

/// <summary>A pod seen in a state at a time (the watch delivery time on this process's clock).</summary>
internal sealed record PodSighting(DateTime At, string Name, string State, string? Role);

/// <summary>An operator Event (events.k8s.io/v1) about the deployment, at the time the operator stamped on it.</summary>
internal sealed record ScaleEvent(DateTime At, string Reason, string Note);

/// <summary>
/// Watches one deployment's engine pods and the operator's Events and records every sighting with its time, so a
/// repetition can ask "when did the first scale-up Event after the step happen" and "when did a new pod turn active".
/// Each watch re-opens (with a fresh list) when the server closes it; the loops stop when the recorder is disposed.
/// </summary>
internal sealed class ClusterRecorder : IAsyncDisposable
{
    private readonly IKubernetes _client;
    private readonly string _deployment;
    private readonly string _namespace;
    private readonly CancellationTokenSource _stop = new();
    private readonly object _gate = new();
    private readonly Dictionary<string, PodView> _pods = new(StringComparer.Ordinal);
    private readonly List<PodSighting> _sightings = [];
    private readonly List<ScaleEvent> _events = [];
    private readonly Task _podLoop;
    private readonly Task _eventLoop;

    public ClusterRecorder(IKubernetes client, string deployment, string ns = "default")
    {
        _client = client;
        _deployment = deployment;
        _namespace = ns;
        _podLoop = Task.Run(WatchPodsAsync);
        _eventLoop = Task.Run(WatchEventsAsync);
    }

    /// <summary>The engine pods as last seen (pods being deleted are left out).</summary>
    public IReadOnlyList<PodView> Pods
    {
        get
        {
            lock (_gate) return _pods.Values.ToArray();
        }
    }

    public IReadOnlyList<PodSighting> SightingsSince(DateTime since)
    {
        lock (_gate) return _sightings.Where(s => s.At >= since).ToArray();
    }

    public IReadOnlyList<ScaleEvent> EventsSince(DateTime since)
    {
        lock (_gate) return _events.Where(e => e.At >= since).OrderBy(e => e.At).ToArray();
    }

    private async Task WatchPodsAsync()
    {
        var selector = $"{WellKnownLabels.Deployment}={_deployment},{WellKnownLabels.Component}=engine";
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var watch = _client.CoreV1.WatchListNamespacedPodAsync(_namespace, labelSelector: selector, onError: _ => { }, cancellationToken: _stop.Token);
                await foreach (var (type, pod) in watch.ConfigureAwait(false))
                {
                    Observe(type, pod);
                }
            }
            catch (Exception) when (!_stop.IsCancellationRequested)
            {
                // A dropped watch is re-opened below; the fresh ADDED events refresh the snapshot.
            }
            catch (OperationCanceledException)
            {
                return;
            }

            await PauseAsync().ConfigureAwait(false);
        }
    }

    private async Task WatchEventsAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var watch = _client.EventsV1.WatchListNamespacedEventAsync(_namespace, onError: _ => { }, cancellationToken: _stop.Token);
                await foreach (var (type, item) in watch.ConfigureAwait(false))
                {
                    Observe(type, item);
                }
            }
            catch (Exception) when (!_stop.IsCancellationRequested)
            {
                // Re-opened below; a re-listed Event is de-duplicated by its (time, reason, note).
            }
            catch (OperationCanceledException)
            {
                return;
            }

            await PauseAsync().ConfigureAwait(false);
        }
    }

    private void Observe(WatchEventType type, V1Pod pod)
    {
        var now = DateTime.UtcNow;
        var name = pod.Metadata.Name;
        var labels = pod.Metadata.Labels ?? new Dictionary<string, string>();
        string? Label(string key) => labels.TryGetValue(key, out var value) ? value : null;
        lock (_gate)
        {
            if (type == WatchEventType.Deleted || pod.Metadata.DeletionTimestamp is not null)
            {
                _pods.Remove(name);
                return;
            }

            var view = new PodView(name, Label(WellKnownLabels.State) ?? "", Label(WellKnownLabels.Role));
            if (_pods.GetValueOrDefault(name) != view)
            {
                _pods[name] = view;
                _sightings.Add(new PodSighting(now, view.Name, view.State, view.Role));
            }
        }
    }

    private void Observe(WatchEventType type, Eventsv1Event item)
    {
        if (type == WatchEventType.Deleted || item.Regarding?.Name != _deployment || item.Regarding.Kind != InferenceDeployment.KubeKind)
        {
            return;
        }

        // A repeat folded into the Event's series carries its own time in series.lastObservedTime.
        var at = item.Series?.LastObservedTime ?? item.EventTime ?? item.Metadata.CreationTimestamp;
        if (at is not { } time)
        {
            return;
        }

        var utc = time.Kind == DateTimeKind.Local ? time.ToUniversalTime() : DateTime.SpecifyKind(time, DateTimeKind.Utc);
        var seen = new ScaleEvent(utc, item.Reason ?? "", item.Note ?? "");
        lock (_gate)
        {
            if (!_events.Contains(seen))
            {
                _events.Add(seen);
            }
        }
    }

    private async Task PauseAsync()
    {
        try
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), _stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_podLoop, _eventLoop).ConfigureAwait(false);
        _stop.Dispose();
    }
}
