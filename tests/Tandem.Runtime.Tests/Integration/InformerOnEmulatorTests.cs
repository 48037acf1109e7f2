using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Tandem.Runtime.Client;
using Tandem.Runtime.Informers;
using Tandem.Runtime.Metrics;
using Tandem.Runtime.Tests.Fakes;

namespace Tandem.Runtime.Tests.Integration;

public sealed class InformerOnEmulatorTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>, IAsyncLifetime
{
    private readonly RuntimeMetrics _metrics = new(Prometheus.Metrics.NewCustomRegistry());
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _runs = [];
    private readonly IKubernetes _runtimeClient = fixture.NewClient();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        fixture.Cluster.Faults.Clear();
        _stop.Cancel();
        await Task.WhenAll(_runs).WaitAsync(Eventually.DefaultDeadline);
        _runtimeClient.Dispose();
    }

    private Informer<T> Start<T>(string ns, RecordingHandler<T>? handler = null) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var informer = new Informer<T>(new KubernetesResourceClient<T>(_runtimeClient), new InformerSettings([ns], TimeSpan.Zero),
            TimeProvider.System, NullLogger<Informer<T>>.Instance, _metrics);
        if (handler is not null) informer.AddHandler(handler);
        _runs.Add(Task.Run(() => informer.RunAsync(_stop.Token)));
        return informer;
    }

    private static V1ConfigMap ConfigMap(string ns, string name, string value = "1") =>
        new() { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns }, Data = new Dictionary<string, string> { ["v"] = value } };

    [Fact]
    public async Task A_built_in_kind_is_listed_then_watched_through_the_generic_client()
    {
        var ns = await fixture.NamespaceAsync("inf-core");
        await fixture.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap(ns, "before"), ns);
        var handler = new RecordingHandler<V1ConfigMap>();
        var informer = Start(ns, handler);
        await informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(Eventually.DefaultDeadline);
        Assert.Equal("v1", informer.Cache.Get(ns, "before")?.ApiVersion);

        await fixture.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap(ns, "after"), ns);
        var changed = ConfigMap(ns, "before", "2");
        changed.Metadata.ResourceVersion = informer.Cache.Get(ns, "before")!.Metadata.ResourceVersion;
        await fixture.Client.CoreV1.ReplaceNamespacedConfigMapAsync(changed, "before", ns);
        await fixture.Client.CoreV1.DeleteNamespacedConfigMapAsync("after", ns);

        await Eventually.TrueAsync(() => handler.Seen.Contains($"delete {ns}/after"), "the delete event");
        Assert.Equal([$"add {ns}/before", $"add {ns}/after", $"update {ns}/before", $"delete {ns}/after"], handler.Seen);
        Assert.Equal("2", informer.Cache.Get(ns, "before")?.Data["v"]);
    }

    [Fact]
    public async Task A_custom_resource_is_cached_with_its_spec()
    {
        var ns = await fixture.NamespaceAsync("inf-cr");
        var widgets = new KubernetesResourceClient<Widget>(fixture.Client);
        await widgets.CreateAsync(Widget.Named(ns, "w1", size: 3), CancellationToken.None);
        var informer = Start<Widget>(ns);
        await informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(Eventually.DefaultDeadline);

        await widgets.CreateAsync(Widget.Named(ns, "w2", size: 5), CancellationToken.None);

        await Eventually.TrueAsync(() => informer.Cache.Get(ns, "w2") is not null, "the watched custom resource");
        Assert.Equal(3, informer.Cache.Get(ns, "w1")!.Spec.Size);
        Assert.Equal(5, informer.Cache.Get(ns, "w2")!.Spec.Size);
        Assert.Equal("test.tandem.dev/v1", informer.Cache.Get(ns, "w1")!.ApiVersion);
    }

    [Fact]
    public async Task A_dropped_watch_resumes_from_the_last_resource_version_without_relisting()
    {
        var ns = await fixture.NamespaceAsync("inf-drop");
        var handler = new RecordingHandler<V1ConfigMap>();
        var informer = Start(ns, handler);
        await informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(Eventually.DefaultDeadline);
        await fixture.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap(ns, "one"), ns);
        await Eventually.TrueAsync(() => informer.Cache.Get(ns, "one") is not null, "the first object");

        fixture.Cluster.Faults.DropWatches();
        await fixture.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap(ns, "two"), ns);

        await Eventually.TrueAsync(() => informer.Cache.Get(ns, "two") is not null, "the object created around the drop");
        Assert.True(_metrics.WatchRestarts.WithLabels("ConfigMap.v1", "closed").Value >= 1);
        Assert.Equal(0, _metrics.WatchRestarts.WithLabels("ConfigMap.v1", "expired").Value);
        Assert.Equal([$"add {ns}/one", $"add {ns}/two"], handler.Seen);
    }

    [Fact]
    public async Task After_compaction_the_in_stream_410_makes_the_informer_relist_and_catch_up()
    {
        var ns = await fixture.NamespaceAsync("inf-gone");
        await fixture.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap(ns, "stays"), ns);
        await fixture.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap(ns, "goes"), ns);
        var handler = new RecordingHandler<V1ConfigMap>();
        var informer = Start(ns, handler);
        await informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(Eventually.DefaultDeadline);

        // Keep the informer from watching while history changes and is compacted, so it must resume from a version
        // that no longer exists.
        fixture.Cluster.Faults.FailNext(1_000_000, 500, "GET", $"/namespaces/{ns}/configmaps");
        fixture.Cluster.Faults.DropWatches();
        await fixture.Client.CoreV1.DeleteNamespacedConfigMapAsync("goes", ns);
        await fixture.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap(ns, "new"), ns);
        fixture.Cluster.CompactHistory();
        fixture.Cluster.Faults.Clear();

        await Eventually.TrueAsync(() => informer.Cache.Get(ns, "new") is not null && informer.Cache.Get(ns, "goes") is null, "the relisted state");
        Assert.Equal(1, _metrics.WatchRestarts.WithLabels("ConfigMap.v1", "expired").Value);
        Assert.Contains($"delete {ns}/goes", handler.Seen);
        Assert.Contains($"add {ns}/new", handler.Seen);
    }
}
