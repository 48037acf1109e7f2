using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Time.Testing;
using Tandem.Emulator.Tests.Support;

namespace Tandem.Emulator.Tests.Core;

public sealed class WatchTests
{
    private const string Cms = "/api/v1/namespaces/default/configmaps";

    private static string Name(JsonObject e) => e["object"]!["metadata"]!["name"]!.GetValue<string>();
    private static string Type(JsonObject e) => e["type"]!.GetValue<string>();
    private static string Rv(JsonObject e) => e["object"]!["metadata"]!["resourceVersion"]!.GetValue<string>();

    [Fact]
    public async Task Watch_streams_added_modified_and_deleted_in_order()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        using var raw = new RawApi(cluster.Url);
        var (_, list) = await raw.Get(Cms);
        using var watch = await raw.Watch($"{Cms}?watch=true&resourceVersion={list!["metadata"]!["resourceVersion"]}");
        await raw.Post(Cms, Objects.ConfigMap("w"));
        await raw.Patch($"{Cms}/w", new JsonObject { ["data"] = new JsonObject { ["k"] = "v2" } }, "application/merge-patch+json");
        await raw.Delete($"{Cms}/w");
        var events = new[] { await watch.Next(), await watch.Next(), await watch.Next() };
        Assert.Equal(["ADDED", "MODIFIED", "DELETED"], events.Select(e => Type(e!)));
        Assert.All(events, e => Assert.Equal("w", Name(e!)));
        Assert.Equal("v2", events[1]!["object"]!["data"]!["k"]!.GetValue<string>());
        var rvs = events.Select(e => long.Parse(Rv(e!))).ToList();
        Assert.Equal(rvs.Order(), rvs);
    }

    [Fact]
    public async Task Watch_without_resource_version_starts_with_the_current_objects_as_added()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        using var raw = new RawApi(cluster.Url);
        await raw.Post(Cms, Objects.ConfigMap("existing"));
        using var watch = await raw.Watch($"{Cms}?watch=1");
        var first = await watch.Next();
        Assert.Equal("ADDED", Type(first!));
        Assert.Equal("existing", Name(first!));
    }

    [Fact]
    public async Task Watch_resumes_from_a_resource_version_replaying_only_later_changes()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        using var raw = new RawApi(cluster.Url);
        var (_, first) = await raw.Post(Cms, Objects.ConfigMap("one"));
        var resumeFrom = first!["metadata"]!["resourceVersion"]!.GetValue<string>();
        await raw.Post(Cms, Objects.ConfigMap("two"));
        await raw.Post(Cms, Objects.ConfigMap("three"));
        using var watch = await raw.Watch($"{Cms}?watch=true&resourceVersion={resumeFrom}");
        Assert.Equal("two", Name((await watch.Next())!));
        Assert.Equal("three", Name((await watch.Next())!));
    }

    [Fact]
    public async Task Watch_from_a_compacted_resource_version_gets_an_in_stream_410_Expired()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        using var raw = new RawApi(cluster.Url);
        var (_, first) = await raw.Post(Cms, Objects.ConfigMap("old"));
        await raw.Post(Cms, Objects.ConfigMap("newer"));
        cluster.CompactHistory();
        using var watch = await raw.Watch($"{Cms}?watch=true&resourceVersion={first!["metadata"]!["resourceVersion"]}");
        var e = await watch.Next();
        Assert.Equal("ERROR", Type(e!));
        Assert.Equal(410, e!["object"]!["code"]!.GetValue<int>());
        Assert.Equal("Expired", e["object"]!["reason"]!.GetValue<string>());
        Assert.Null(await watch.Next());
    }

    [Fact]
    public async Task Watch_with_bookmarks_gets_a_bookmark_when_the_interval_passes()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
        await using var cluster = await EmulatedCluster.StartAsync(new EmulatedClusterOptions { TimeProvider = time, BookmarkInterval = TimeSpan.FromSeconds(10) });
        using var raw = new RawApi(cluster.Url);
        var (_, created) = await raw.Post(Cms, Objects.ConfigMap("b"));
        using var watch = await raw.Watch($"{Cms}?watch=true&allowWatchBookmarks=true&resourceVersion={created!["metadata"]!["resourceVersion"]}");
        time.Advance(TimeSpan.FromSeconds(10));
        var e = await watch.Next();
        Assert.Equal("BOOKMARK", Type(e!));
        Assert.Equal("ConfigMap", e!["object"]!["kind"]!.GetValue<string>());
        Assert.True(long.Parse(Rv(e)) >= long.Parse(created["metadata"]!["resourceVersion"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Send_initial_events_ends_the_initial_state_with_an_annotated_bookmark()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        using var raw = new RawApi(cluster.Url);
        await raw.Post(Cms, Objects.ConfigMap("i1"));
        using var watch = await raw.Watch($"{Cms}?watch=true&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan");
        Assert.Equal("i1", Name((await watch.NextMatching(e => Type(e) == "ADDED"))!));
        var bookmark = await watch.NextMatching(e => Type(e) == "BOOKMARK");
        Assert.Equal("true", bookmark["object"]!["metadata"]!["annotations"]!["k8s.io/initial-events-end"]!.GetValue<string>());
    }

    [Fact]
    public async Task Label_filtered_watch_sees_an_object_leaving_the_selection_as_deleted()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        using var raw = new RawApi(cluster.Url);
        var (_, list) = await raw.Get(Cms);
        using var watch = await raw.Watch($"{Cms}?watch=true&labelSelector=app%3Dweb&resourceVersion={list!["metadata"]!["resourceVersion"]}");
        await raw.Post(Cms, Objects.ConfigMap("other", new() { ["app"] = "db" }));
        await raw.Post(Cms, Objects.ConfigMap("f", new() { ["app"] = "web" }));
        await raw.Patch($"{Cms}/f", new JsonObject { ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["app"] = "db" } } }, "application/merge-patch+json");
        var added = await watch.Next();
        Assert.Equal(("ADDED", "f"), (Type(added!), Name(added!)));
        var gone = await watch.Next();
        Assert.Equal(("DELETED", "f"), (Type(gone!), Name(gone!)));
    }

    [Fact]
    public async Task Watch_timeout_seconds_ends_the_stream_when_the_clock_passes_it()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
        await using var cluster = await EmulatedCluster.StartAsync(new EmulatedClusterOptions { TimeProvider = time });
        using var raw = new RawApi(cluster.Url);
        var (_, list) = await raw.Get(Cms);
        using var watch = await raw.Watch($"{Cms}?watch=true&timeoutSeconds=5&resourceVersion={list!["metadata"]!["resourceVersion"]}");
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Null(await watch.Next());
    }

    [Fact]
    public async Task Dropped_watch_resumed_from_its_last_resource_version_misses_nothing()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        using var raw = new RawApi(cluster.Url);
        var (_, list) = await raw.Get(Cms);
        using var watch = await raw.Watch($"{Cms}?watch=true&resourceVersion={list!["metadata"]!["resourceVersion"]}");
        await raw.Post(Cms, Objects.ConfigMap("before"));
        var last = await watch.Next();
        cluster.Faults.DropWatches();
        Assert.Null(await watch.Next());
        await raw.Post(Cms, Objects.ConfigMap("during"));
        using var resumed = await raw.Watch($"{Cms}?watch=true&resourceVersion={Rv(last!)}");
        Assert.Equal("during", Name((await resumed.Next())!));
    }

    [Fact]
    public async Task KubernetesClient_watch_receives_typed_events()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        var client = cluster.CreateClient();
        var list = await client.CoreV1.ListNamespacedConfigMapAsync("default");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var seen = new List<(WatchEventType, string)>();
        var watching = Task.Run(async () =>
        {
            await foreach (var (type, cm) in client.CoreV1.WatchListNamespacedConfigMapAsync("default", resourceVersion: list.Metadata.ResourceVersion, cancellationToken: cts.Token))
            {
                seen.Add((type, cm.Metadata.Name));
                if (type == WatchEventType.Deleted) break;
            }
        });
        await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new() { Name = "typed" } }, "default");
        await client.CoreV1.DeleteNamespacedConfigMapAsync("typed", "default");
        await watching;
        Assert.Equal([(WatchEventType.Added, "typed"), (WatchEventType.Deleted, "typed")], seen);
    }
}
