using System.Runtime.CompilerServices;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Tandem.Runtime;
using Tandem.Runtime.Cache;
using Tandem.Runtime.Client;
using Tandem.Runtime.Controllers;
using Tandem.Runtime.Informers;
using Tandem.Runtime.Queue;

namespace Tandem.Benchmarks.Runtime;

/// <summary>
/// Runtime scale: watch events processed per second (informer → cache → handler → work queue) for 10,000 pods, and
/// bytes each cached object costs. Run:
/// <c>dotnet run -c Release --project tests/Tandem.Benchmarks -- --filter '*InformerBenchmarks*'</c>.
/// Besides BenchmarkDotNet's table, it prints a memory table and writes runtime-informer.json in the artifacts folder.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class InformerBenchmarks
{
    private V1Pod[] _added = [];
    private V1Pod[] _modified = [];

    [Params(10_000)]
    public int Objects { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _added = Enumerable.Range(0, Objects).Select(i => Pods.Pod(i, rv: 10 + i)).ToArray();
        _modified = Enumerable.Range(0, Objects).Select(i => Pods.Pod(i, rv: 10 + Objects + i)).ToArray();
    }

    /// <summary>ADDED then MODIFIED events for every object through a running informer into a controller's queue.</summary>
    [Benchmark(OperationsPerInvoke = 20_000)]
    public async Task WatchEventsToWorkQueue()
    {
        var client = new ScriptedClient(_added, _modified);
        var informer = new Informer<V1Pod>(client, new InformerSettings([], TimeSpan.Zero), TimeProvider.System, NullLogger<Informer<V1Pod>>.Instance);
        using var queue = new WorkQueue<ReconcileRequest>();
        var seen = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        informer.AddHandler(new MappingEventHandler<V1Pod>(p => [ReconcileRequest.For(p)], r =>
        {
            queue.Add(r);
            if (Interlocked.Increment(ref seen) == 2 * Objects) done.TrySetResult();
        }));
        using var stop = new CancellationTokenSource();
        var run = informer.RunAsync(stop.Token);
        await done.Task;
        stop.Cancel();
        await run;
        if (queue.Count != Objects) throw new InvalidOperationException($"expected {Objects} distinct keys, queue has {queue.Count}");
    }

    /// <summary>Upserting every object into the indexed cache (namespace, owner and label indexes).</summary>
    [Benchmark(OperationsPerInvoke = 10_000)]
    public ObjectCache<V1Pod> FillCache()
    {
        var cache = new ObjectCache<V1Pod>();
        foreach (var pod in _added) cache.Upsert(pod);
        return cache;
    }

    [GlobalCleanup(Target = nameof(FillCache))]
    public void ReportMemory()
    {
        var report = MemoryReport.Measure(Objects);
        Console.WriteLine();
        Console.WriteLine("| objects | object graph B/obj | cache+indexes B/obj | total B/obj | events/s (1 run, informer→queue) |");
        Console.WriteLine("|--------:|-------------------:|--------------------:|------------:|---------------------------------:|");
        Console.WriteLine($"| {report.Objects} | {report.ObjectBytesPerObject:F0} | {report.CacheBytesPerObject:F0} | {report.ObjectBytesPerObject + report.CacheBytesPerObject:F0} | {report.EventsPerSecond:F0} |");
        var path = Path.Combine(ResultsFolder(), "runtime-informer.json");
        File.WriteAllText(path, JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase }));
        Console.WriteLine($"wrote {path}");
    }

    // BenchmarkDotNet runs this in a child process under bin/: put the JSON beside its own results.
    private static string ResultsFolder()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            var results = Path.Combine(dir.FullName, "BenchmarkDotNet.Artifacts", "results");
            if (Directory.Exists(results)) return results;
        }

        return Directory.GetCurrentDirectory();
    }

    private sealed record MemoryReport(int Objects, double ObjectBytesPerObject, double CacheBytesPerObject, double EventsPerSecond)
    {
        public static MemoryReport Measure(int objects)
        {
            var before = GC.GetTotalMemory(forceFullCollection: true);
            var pods = Enumerable.Range(0, objects).Select(i => Pods.Pod(i, rv: i)).ToArray();
            var withObjects = GC.GetTotalMemory(forceFullCollection: true);
            var cache = new ObjectCache<V1Pod>();
            foreach (var pod in pods) cache.Upsert(pod);
            var withCache = GC.GetTotalMemory(forceFullCollection: true);
            GC.KeepAlive(pods);
            GC.KeepAlive(cache);

            var bench = new InformerBenchmarks { Objects = objects };
            bench.Setup();
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            bench.WatchEventsToWorkQueue().GetAwaiter().GetResult();
            var seconds = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
            return new MemoryReport(objects, (withObjects - before) / (double)objects, (withCache - withObjects) / (double)objects, 2 * objects / seconds);
        }
    }

    /// <summary>A list of nothing, then one watch that delivers every event and stays open.</summary>
    private sealed class ScriptedClient(V1Pod[] added, V1Pod[] modified) : IResourceClient<V1Pod>
    {
        private int _watches;

        public Task<ResourceList<V1Pod>> ListAsync(string? ns, string? labelSelector, CancellationToken cancellationToken) =>
            Task.FromResult(new ResourceList<V1Pod>([], "1"));

        public async IAsyncEnumerable<WatchEvent<V1Pod>> WatchAsync(string? ns, string resourceVersion, string? labelSelector, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _watches) == 1)
            {
                foreach (var p in added) yield return new WatchEvent<V1Pod>(WatchEventType.Added, p);
                foreach (var p in modified) yield return new WatchEvent<V1Pod>(WatchEventType.Modified, p);
            }

            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        public Task<V1Pod?> GetAsync(string? ns, string name, CancellationToken cancellationToken) => throw Unused();
        public Task<V1Pod> CreateAsync(V1Pod entity, CancellationToken cancellationToken) => throw Unused();
        public Task<V1Pod> ReplaceAsync(V1Pod entity, CancellationToken cancellationToken) => throw Unused();
        public Task<V1Pod> ReplaceStatusAsync(V1Pod entity, CancellationToken cancellationToken) => throw Unused();
        public Task<V1Pod> PatchAsync(string? ns, string name, V1Patch patch, CancellationToken cancellationToken) => throw Unused();
        public Task<bool> DeleteAsync(string? ns, string name, CancellationToken cancellationToken) => throw Unused();

        private static InvalidOperationException Unused() => new("the benchmark only lists and watches");
    }
}

/// <summary>Engine-pod-like objects: labels, an owner, one container with resources and env, a status.</summary>
internal static class Pods
{
    public static V1Pod Pod(int i, long rv) => new()
    {
        ApiVersion = "v1",
        Kind = "Pod",
        Metadata = new V1ObjectMeta
        {
            Name = $"chat-decode-{i:D5}",
            NamespaceProperty = $"team-{i % 10}",
            Uid = $"00000000-0000-0000-0000-{i:D12}",
            ResourceVersion = rv.ToString(),
            Labels = new Dictionary<string, string>
            {
                ["app.kubernetes.io/name"] = "chat",
                ["serving.tandem.dev/role"] = i % 2 == 0 ? "decode" : "prefill",
                ["serving.tandem.dev/state"] = "Active",
            },
            OwnerReferences = [new V1OwnerReference { ApiVersion = "serving.tandem.dev/v1alpha1", Kind = "EnginePool", Name = "chat-decode", Uid = $"pool-{i % 10}", Controller = true }],
        },
        Spec = new V1PodSpec
        {
            Containers =
            [
                new V1Container
                {
                    Name = "engine",
                    Image = "tandem/mock-engine:latest",
                    Args = ["--role", "decode", "--port", "8000"],
                    Env = [new V1EnvVar { Name = "MODEL", Value = "llama-3-8b" }],
                    Resources = new V1ResourceRequirements { Limits = new Dictionary<string, ResourceQuantity> { ["nvidia.com/gpu"] = new("1") } },
                },
            ],
        },
        Status = new V1PodStatus { Phase = "Running", PodIP = $"127.10.{i / 250}.{i % 250 + 2}" },
    };
}
