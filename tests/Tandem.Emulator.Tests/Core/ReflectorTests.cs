using System.Collections.Concurrent;
using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Tandem.Emulator.Tests.Support;

namespace Tandem.Emulator.Tests.Core;

/// <summary>A list+watch loop with KubernetesClient, as an informer runs it: resume after a drop, relist after 410 Gone.</summary>
public sealed class ReflectorTests
{
    /// <summary>A minimal reflector: list, then watch from the list's resourceVersion; on a drop resume, on 410 relist.</summary>
    private sealed class MiniReflector(IKubernetes client)
    {
        public ConcurrentDictionary<string, string> Cache { get; } = new();
        public int Lists;
        public int Resumes;
        public int Gone;
        public int Failures;
        public string ResourceVersion = "";

        public async Task Run(CancellationToken ct)
        {
            var needList = true;
            while (!ct.IsCancellationRequested)
            {
                if (needList)
                {
                    var list = await client.CoreV1.ListNamespacedConfigMapAsync("default", cancellationToken: ct);
                    Cache.Clear();
                    foreach (var cm in list.Items) Cache[cm.Metadata.Name] = Value(cm);
                    ResourceVersion = list.Metadata.ResourceVersion;
                    Interlocked.Increment(ref Lists);
                    needList = false;
                }
                else Interlocked.Increment(ref Resumes);
                try
                {
                    await foreach (var (type, cm) in client.CoreV1.WatchListNamespacedConfigMapAsync("default", resourceVersion: ResourceVersion,
                        allowWatchBookmarks: true, onError: e => { if (e is KubernetesException { Status.Code: 410 }) { needList = true; Interlocked.Increment(ref Gone); } }, cancellationToken: ct))
                    {
                        ResourceVersion = cm.Metadata.ResourceVersion;
                        if (type == WatchEventType.Deleted) Cache.TryRemove(cm.Metadata.Name, out _);
                        else if (type is WatchEventType.Added or WatchEventType.Modified) Cache[cm.Metadata.Name] = Value(cm);
                    }
                }
                catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Gone) { needList = true; Interlocked.Increment(ref Gone); }
                catch (HttpOperationException) when (!ct.IsCancellationRequested) { Interlocked.Increment(ref Failures); }
                catch (Exception e) when (e is HttpRequestException or IOException && !ct.IsCancellationRequested) { }
            }
        }
    }

    private static string Value(V1ConfigMap cm) => cm.Data is not null && cm.Data.TryGetValue("k", out var v) ? v : "";

    private static V1ConfigMap Cm(string name, string value) => new() { Metadata = new() { Name = name }, Data = new Dictionary<string, string> { ["k"] = value } };

    [Fact]
    public async Task Watch_resumed_after_a_dropped_connection_misses_no_change()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        var client = cluster.CreateClient();
        await client.CoreV1.CreateNamespacedConfigMapAsync(Cm("a", "1"), "default");
        var reflector = new MiniReflector(client);
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var run = Task.Run(() => reflector.Run(cts.Token));
        await Eventually.True(() => reflector.Cache.ContainsKey("a"), "the initial list");
        for (int i = 0; i < 3; i++)
        {
            cluster.Faults.DropWatches();
            await client.CoreV1.CreateNamespacedConfigMapAsync(Cm($"during-{i}", "x"), "default");
        }
        await client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"data":{"k":"2"}}""", V1Patch.PatchType.MergePatch), "a", "default");
        await Eventually.True(() => reflector.Cache.GetValueOrDefault("a") == "2" && Enumerable.Range(0, 3).All(i => reflector.Cache.ContainsKey($"during-{i}")), "every change after the drops");
        Assert.Equal(1, reflector.Lists);
        Assert.True(reflector.Resumes >= 1);
        cts.Cancel();
        await run.ContinueWith(_ => { });
    }

    [Fact]
    public async Task Watch_resuming_from_a_compacted_resource_version_gets_410_and_relists()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        var client = cluster.CreateClient();
        await client.CoreV1.CreateNamespacedConfigMapAsync(Cm("a", "1"), "default");
        var reflector = new MiniReflector(client);
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var run = Task.Run(() => reflector.Run(cts.Token));
        await Eventually.True(() => reflector.Cache.ContainsKey("a"), "the initial list");
        // Changes the reflector does not see before the drop, then history is compacted: resuming must fail with 410.
        cluster.Faults.FailNext(int.MaxValue, 503, "GET", "watch=true");
        cluster.Faults.DropWatches();
        await Eventually.True(() => Volatile.Read(ref reflector.Failures) > 0, "a failed resume");
        await client.CoreV1.CreateNamespacedConfigMapAsync(Cm("b", "1"), "default");
        await client.CoreV1.DeleteNamespacedConfigMapAsync("a", "default");
        cluster.CompactHistory();
        cluster.Faults.Clear();
        await Eventually.True(() => reflector.Cache.ContainsKey("b") && !reflector.Cache.ContainsKey("a"), "the relisted state");
        Assert.True(reflector.Gone >= 1, "the reflector saw 410 Gone");
        Assert.True(reflector.Lists >= 2, "the reflector relisted");
        cts.Cancel();
        await run.ContinueWith(_ => { });
    }
}
