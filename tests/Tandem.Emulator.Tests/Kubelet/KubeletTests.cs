using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Time.Testing;
using Tandem.Emulator.Tests.Support;

namespace Tandem.Emulator.Tests.Kubelet;

public sealed class KubeletTests
{
    private const string Pods = "/api/v1/namespaces/default/pods";

    /// <summary>A pod runtime that records starts and lets a test hold its stop.</summary>
    private sealed class RecordingRuntime : IPodRuntime
    {
        public ConcurrentDictionary<string, PodStartContext> Started { get; } = new();
        public ConcurrentDictionary<string, bool> Stopped { get; } = new();
        public TaskCompletionSource StopGate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public bool HoldStop { get; set; }

        public Task<IAsyncDisposable?> StartAsync(PodStartContext context, CancellationToken ct)
        {
            Started[context.Name] = context;
            return Task.FromResult<IAsyncDisposable?>(new Handle(this, context.Name));
        }

        private sealed class Handle(RecordingRuntime owner, string name) : IAsyncDisposable
        {
            public async ValueTask DisposeAsync()
            {
                if (owner.HoldStop) await owner.StopGate.Task;
                owner.Stopped[name] = true;
            }
        }
    }

    private static async Task<JsonNode> WaitForPod(RawApi raw, string name, Func<JsonNode, bool> condition, string what) =>
        await Eventually.Until(async () => { var (c, b) = await raw.Get($"{Pods}/{name}"); return c == 200 && condition(b!) ? b : null; }, what);

    private static bool IsReady(JsonNode pod) =>
        pod["status"]?["conditions"]?.AsArray().Any(c => c!["type"]!.GetValue<string>() == "Ready" && c["status"]!.GetValue<string>() == "True") == true;

    [Fact]
    public async Task Readiness_http_probe_waits_for_a_successful_answer_on_the_pod_ip()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        using var raw = new RawApi(cluster.Url);
        var pod = Objects.Pod("http");
        pod["spec"]!["containers"]![0]!["readinessProbe"] = new JsonObject { ["httpGet"] = new JsonObject { ["path"] = "/readyz", ["port"] = 8000 }, ["periodSeconds"] = 1 };
        await raw.Post(Pods, pod);
        var running = await WaitForPod(raw, "http", p => p["status"]?["phase"]?.GetValue<string>() == "Running", "Running");
        Assert.False(IsReady(running));
        var ip = running["status"]!["podIP"]!.GetValue<string>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://{ip}:8000");
        await using var app = builder.Build();
        app.MapGet("/readyz", () => "ok");
        await app.StartAsync();
        await WaitForPod(raw, "http", IsReady, "Ready once /readyz answers");
        await app.StopAsync();
    }

    [Fact]
    public async Task Scheduled_pod_gets_its_own_loopback_ip_starts_its_runtime_and_becomes_running_and_ready()
    {
        var runtime = new RecordingRuntime();
        await using var cluster = await EmulatedCluster.StartAsync(new EmulatedClusterOptions { PodRuntime = runtime });
        using var raw = new RawApi(cluster.Url);
        await raw.Post(Pods, Objects.Pod("p1", gpus: 2));
        await raw.Post(Pods, Objects.Pod("p2", gpus: 2));
        var p1 = await WaitForPod(raw, "p1", IsReady, "p1 Ready");
        var p2 = await WaitForPod(raw, "p2", IsReady, "p2 Ready");
        Assert.Equal("Running", p1["status"]!["phase"]!.GetValue<string>());
        var ip1 = IPAddress.Parse(p1["status"]!["podIP"]!.GetValue<string>());
        var ip2 = IPAddress.Parse(p2["status"]!["podIP"]!.GetValue<string>());
        Assert.True(IPAddress.IsLoopback(ip1));
        Assert.NotEqual(IPAddress.Loopback, ip1);
        Assert.NotEqual(ip1, ip2);
        Assert.False(string.IsNullOrEmpty(p1["spec"]!["nodeName"]!.GetValue<string>()));
        Assert.Equal(ip1, runtime.Started["p1"].PodIP);
        Assert.Equal([8000], runtime.Started["p1"].Ports);
    }

    [Fact]
    public async Task Pod_asking_for_more_gpus_than_any_node_has_stays_pending_with_an_unschedulable_condition()
    {
        await using var cluster = await EmulatedCluster.StartAsync(new EmulatedClusterOptions { Nodes = 2, GpusPerNode = 4 });
        using var raw = new RawApi(cluster.Url);
        await raw.Post(Pods, Objects.Pod("big", gpus: 6));
        var pod = await WaitForPod(raw, "big", p => p["status"]?["conditions"] is JsonArray { Count: > 0 }, "a scheduling condition");
        var cond = pod["status"]!["conditions"]!.AsArray().Single(c => c!["type"]!.GetValue<string>() == "PodScheduled")!;
        Assert.Equal("False", cond["status"]!.GetValue<string>());
        Assert.Equal("Unschedulable", cond["reason"]!.GetValue<string>());
        Assert.Contains("Insufficient nvidia.com/gpu", cond["message"]!.GetValue<string>());
        Assert.Equal("Pending", pod["status"]!["phase"]!.GetValue<string>());
        var (_, events) = await raw.Get("/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dbig");
        Assert.Contains(events!["items"]!.AsArray(), e => e!["reason"]!.GetValue<string>() == "FailedScheduling");
    }

    [Fact]
    public async Task Pending_pod_is_scheduled_once_a_gpu_holder_goes_away()
    {
        await using var cluster = await EmulatedCluster.StartAsync(new EmulatedClusterOptions { Nodes = 1, GpusPerNode = 4 });
        using var raw = new RawApi(cluster.Url);
        await raw.Post(Pods, Objects.Pod("holder", gpus: 3, graceSeconds: 0));
        await WaitForPod(raw, "holder", IsReady, "holder Ready");
        await raw.Post(Pods, Objects.Pod("waiter", gpus: 2));
        await WaitForPod(raw, "waiter", p => p["status"]?["conditions"] is JsonArray { Count: > 0 }, "waiter unschedulable");
        await raw.Delete($"{Pods}/holder");
        await WaitForPod(raw, "waiter", IsReady, "waiter Ready after the holder left");
    }

    [Fact]
    public async Task Deleting_a_pod_waits_for_its_runtime_to_stop_within_the_grace_period()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
        var runtime = new RecordingRuntime { HoldStop = true };
        await using var cluster = await EmulatedCluster.StartAsync(new EmulatedClusterOptions { PodRuntime = runtime, TimeProvider = time });
        using var raw = new RawApi(cluster.Url);
        await raw.Post(Pods, Objects.Pod("graceful", graceSeconds: 30));
        await WaitForPod(raw, "graceful", IsReady, "Ready");
        var (code, body) = await raw.Delete($"{Pods}/graceful");
        Assert.Equal(200, code);
        Assert.Equal(30, body!["metadata"]!["deletionGracePeriodSeconds"]!.GetValue<int>());
        var terminating = await WaitForPod(raw, "graceful", p => p["metadata"]?["deletionTimestamp"] is not null, "terminating");
        Assert.Equal(200, (await raw.Get($"{Pods}/graceful")).Code);
        runtime.StopGate.SetResult();
        await Eventually.True(async () => (await raw.Get($"{Pods}/graceful")).Code == 404, "the pod to go once its runtime stopped");
        Assert.True(runtime.Stopped["graceful"]);
    }

    [Fact]
    public async Task A_runtime_that_does_not_stop_is_cut_off_when_the_grace_period_ends()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
        var runtime = new RecordingRuntime { HoldStop = true };
        await using var cluster = await EmulatedCluster.StartAsync(new EmulatedClusterOptions { PodRuntime = runtime, TimeProvider = time });
        using var raw = new RawApi(cluster.Url);
        await raw.Post(Pods, Objects.Pod("stubborn", graceSeconds: 20));
        await WaitForPod(raw, "stubborn", IsReady, "Ready");
        await raw.Delete($"{Pods}/stubborn");
        await WaitForPod(raw, "stubborn", p => p["metadata"]?["deletionTimestamp"] is not null, "terminating");
        await Eventually.True(async () =>
        {
            time.Advance(TimeSpan.FromSeconds(1));
            return (await raw.Get($"{Pods}/stubborn")).Code == 404;
        }, "the pod to go after the grace period");
        Assert.True(time.GetUtcNow() >= DateTimeOffset.Parse("2026-01-01T00:00:20Z"));
        runtime.StopGate.SetResult();
    }

    [Theory]
    [InlineData("tcpSocket")]
    [InlineData("grpc")]
    public async Task Readiness_probe_on_the_pod_ip_gates_the_ready_condition(string probeKind)
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        using var raw = new RawApi(cluster.Url);
        var pod = Objects.Pod("probed");
        pod["spec"]!["containers"]![0]!["readinessProbe"] = new JsonObject { [probeKind] = new JsonObject { ["port"] = 8000 }, ["periodSeconds"] = 1 };
        await raw.Post(Pods, pod);
        var running = await WaitForPod(raw, "probed", p => p["status"]?["phase"]?.GetValue<string>() == "Running", "Running");
        Assert.False(IsReady(running));
        var ip = IPAddress.Parse(running["status"]!["podIP"]!.GetValue<string>());
        using var listener = new System.Net.Sockets.TcpListener(ip, 8000);
        listener.Start();
        await WaitForPod(raw, "probed", IsReady, "Ready once the probe answers");
    }
}
