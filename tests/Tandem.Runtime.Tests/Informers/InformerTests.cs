using System.Runtime.CompilerServices;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Prometheus;
using Tandem.Runtime.Client;
using Tandem.Runtime.Informers;
using Tandem.Runtime.Metrics;
using Tandem.Runtime.Tests.Fakes;

namespace Tandem.Runtime.Tests.Informers;

public sealed class InformerTests : IAsyncDisposable
{
    private readonly FakeTimeProvider _time = new();
    private readonly FakeResourceClient<V1Pod> _client = new();
    private readonly RecordingHandler<V1Pod> _handler = new();
    private readonly RuntimeMetrics _metrics = new(Prometheus.Metrics.NewCustomRegistry());
    private readonly CancellationTokenSource _stop = new();
    private Task? _run;

    private Informer<V1Pod> Start(IReadOnlyList<string>? namespaces = null, TimeSpan? resync = null, Microsoft.Extensions.Logging.ILogger<Informer<V1Pod>>? logger = null)
    {
        var informer = new Informer<V1Pod>(_client, new InformerSettings(namespaces ?? [], resync ?? TimeSpan.Zero), _time, logger ?? NullLogger<Informer<V1Pod>>.Instance, _metrics);
        informer.AddHandler(_handler);
        _run = Task.Run(() => informer.RunAsync(_stop.Token));
        return informer;
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        if (_run is not null) await _run.WaitAsync(Eventually.DefaultDeadline);
        _stop.Dispose();
    }

    private static async IAsyncEnumerable<WatchEvent<V1Pod>> Stream(IEnumerable<WatchEvent<V1Pod>> events, Exception? endWith = null, [EnumeratorCancellation] CancellationToken ct = default)
    {
        foreach (var e in events)
        {
            await Task.Yield();
            yield return e;
        }

        if (endWith is not null) throw endWith;
    }

    private static ResourceList<V1Pod> List(string rv, params V1Pod[] pods) => new(pods, rv);

    private static WatchEvent<V1Pod> Bookmark(string rv) => new(WatchEventType.Bookmark, new V1Pod { Metadata = new V1ObjectMeta { ResourceVersion = rv } });

    [Fact]
    public async Task Lists_then_watches_from_the_list_resource_version_and_marks_the_cache_synced()
    {
        _client.Lists.Enqueue(() => List("10", Objects.Pod("a", "p1", rv: "5"), Objects.Pod("a", "p2", rv: "6")));
        _client.Watches.Enqueue(ct => Stream([new(WatchEventType.Added, Objects.Pod("a", "p3", rv: "11"))], ct: ct).Concat(ct));

        var informer = Start();

        await informer.Cache.WaitForSyncAsync(CancellationToken.None).WaitAsync(Eventually.DefaultDeadline);
        await Eventually.TrueAsync(() => informer.Cache.Count == 3, "the watched add reaches the cache");
        Assert.Equal("10", _client.WatchCalls[0].ResourceVersion);
        Assert.Equal(["add a/p1", "add a/p2", "add a/p3"], _handler.Seen);
    }

    [Fact]
    public async Task A_kind_not_served_yet_is_awaited_quietly_said_once_and_listed_when_its_crd_appears()
    {
        var logger = new RecordingLogger<Informer<V1Pod>>();
        for (var i = 0; i < 3; i++)
        {
            _client.Lists.Enqueue(() => throw FakeResourceClient<V1Pod>.Error(System.Net.HttpStatusCode.NotFound));
        }

        _client.Lists.Enqueue(() => List("10", Objects.Pod("a", "p1", rv: "5")));
        _client.Watches.Enqueue(ct => Stream([], ct: ct).Concat(ct));

        var informer = Start(logger: logger);
        await Eventually.TrueAsync(() => _client.ListCalls >= 1, "the first list");
        var syncedBeforeTheKindExisted = informer.HasSynced;
        // The informer looks again on the clock; each poll moves it on until the fourth list succeeds.
        await Eventually.TrueAsync(() => { _time.Advance(TimeSpan.FromMilliseconds(250)); return informer.HasSynced; }, "the list once the kind is served");

        Assert.False(syncedBeforeTheKindExisted);
        Assert.Equal(4, _client.ListCalls);
        Assert.Equal(["add a/p1"], _handler.Seen);
        Assert.DoesNotContain(logger.Entries, e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Warning || e.Error is not null);
        Assert.Single(logger.Entries, e => e.Message.Contains("not served by the API server yet", StringComparison.Ordinal));
        Assert.Single(logger.Entries, e => e.Message.Contains("is served now", StringComparison.Ordinal));
        Assert.Equal(0, _metrics.WatchRestarts.WithLabels("Pod.v1", "error").Value);
    }

    [Fact]
    public async Task A_closed_watch_resumes_from_the_last_seen_resource_version_including_bookmarks_without_relisting()
    {
        _client.Lists.Enqueue(() => List("10", Objects.Pod("a", "p1", rv: "5")));
        _client.Watches.Enqueue(ct => Stream([new(WatchEventType.Modified, Objects.Pod("a", "p1", rv: "11")), Bookmark("15")], ct: ct));

        var informer = Start();

        await Eventually.TrueAsync(() => _client.WatchCalls.Count == 2, "a second watch");
        Assert.Equal(["10", "15"], _client.WatchCalls.Select(c => c.ResourceVersion));
        Assert.Equal(1, _client.ListCalls);
        Assert.Equal("11", informer.Cache.Get("a", "p1")?.Metadata.ResourceVersion);
        Assert.Equal(["add a/p1", "update a/p1"], _handler.Seen);
        Assert.Equal(1, _metrics.WatchRestarts.WithLabels("Pod.v1", "closed").Value);
    }

    [Fact]
    public async Task An_expired_resource_version_relists_and_reports_what_changed_meanwhile()
    {
        _client.Lists.Enqueue(() => List("10", Objects.Pod("a", "p1", rv: "5"), Objects.Pod("a", "p2", rv: "6")));
        _client.Watches.Enqueue(ct => Stream([], new ResourceExpiredException("410 Gone"), ct));
        _client.Lists.Enqueue(() => List("20", Objects.Pod("a", "p2", rv: "19"), Objects.Pod("a", "p3", rv: "18")));

        var informer = Start();

        await Eventually.TrueAsync(() => _client.WatchCalls.Count == 2, "a watch after the relist");
        Assert.Equal(["10", "20"], _client.WatchCalls.Select(c => c.ResourceVersion));
        Assert.Equal(2, _client.ListCalls);
        Assert.Equal(["a/p2", "a/p3"], informer.Cache.List().Select(p => $"{p.Metadata.NamespaceProperty}/{p.Metadata.Name}").Order());
        Assert.Equal(["add a/p1", "add a/p2", "delete a/p1", "update a/p2", "add a/p3"], _handler.Seen);
        Assert.Equal(1, _metrics.WatchRestarts.WithLabels("Pod.v1", "expired").Value);
    }

    [Fact]
    public async Task A_failed_watch_is_retried_from_the_same_resource_version_after_a_backoff()
    {
        _client.Lists.Enqueue(() => List("10"));
        _client.Watches.Enqueue(ct => Stream([], new IOException("connection reset"), ct));

        Start();

        await Eventually.TrueAsync(() => _metrics.WatchRestarts.WithLabels("Pod.v1", "error").Value == 1, "the failure to be counted");
        Assert.Single(_client.WatchCalls);
        // The retry waits on the fake clock: 200 ms for the first failure.
        await Eventually.TrueAsync(() =>
        {
            _time.Advance(TimeSpan.FromMilliseconds(50));
            return _client.WatchCalls.Count == 2;
        }, "the retry");
        Assert.Equal(["10", "10"], _client.WatchCalls.Select(c => c.ResourceVersion));
        Assert.Equal(1, _client.ListCalls);
    }

    [Fact]
    public async Task A_deleted_event_removes_the_object_and_tells_handlers()
    {
        _client.Lists.Enqueue(() => List("10", Objects.Pod("a", "p1", rv: "5")));
        _client.Watches.Enqueue(ct => Stream([new(WatchEventType.Deleted, Objects.Pod("a", "p1", rv: "12"))], ct: ct).Concat(ct));

        var informer = Start();

        await Eventually.TrueAsync(() => _handler.Seen.Count == 2, "the delete");
        Assert.Null(informer.Cache.Get("a", "p1"));
        Assert.Equal(["add a/p1", "delete a/p1"], _handler.Seen);
    }

    [Fact]
    public async Task Resync_hands_every_cached_object_to_handlers_again_each_period()
    {
        _client.Lists.Enqueue(() => List("10", Objects.Pod("a", "p1"), Objects.Pod("b", "p2")));

        var informer = Start(resync: TimeSpan.FromMinutes(1));
        await informer.Cache.WaitForSyncAsync(CancellationToken.None).WaitAsync(Eventually.DefaultDeadline);

        await Eventually.TrueAsync(() =>
        {
            _time.Advance(TimeSpan.FromSeconds(10));
            return _handler.Seen.Count(s => s.StartsWith("resync", StringComparison.Ordinal)) >= 2;
        }, "a resync");
        Assert.Contains("resync a/p1", _handler.Seen);
        Assert.Contains("resync b/p2", _handler.Seen);
    }

    [Fact]
    public async Task With_several_namespaces_each_is_listed_and_the_cache_syncs_after_all()
    {
        _client.Seed(Objects.Pod("a", "p1"));
        _client.Seed(Objects.Pod("b", "p2"));
        _client.Seed(Objects.Pod("c", "p3"));

        var informer = Start(namespaces: ["a", "b"]);

        await informer.Cache.WaitForSyncAsync(CancellationToken.None).WaitAsync(Eventually.DefaultDeadline);
        Assert.Equal(["a/p1", "b/p2"], informer.Cache.List().Select(p => $"{p.Metadata.NamespaceProperty}/{p.Metadata.Name}").Order());
        await Eventually.TrueAsync(() => _client.WatchCalls.Count == 2, "one watch per namespace");
        Assert.Equal(["a", "b"], _client.WatchCalls.Select(c => c.Namespace).Order());
    }
}

internal static class StreamExtensions
{
    /// <summary>After the events, keeps the stream open until cancelled (a quiet watch).</summary>
    public static async IAsyncEnumerable<T> Concat<T>(this IAsyncEnumerable<T> events, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var e in events.WithCancellation(ct)) yield return e;
        await Task.Delay(Timeout.Infinite, ct);
    }
}
