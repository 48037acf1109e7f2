using System.Globalization;
using System.Text.RegularExpressions;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Api.V1Alpha1;
using Tandem.Engines.Load;
using Tandem.Operator.Autoscaling;
using Tandem.Operator.Hosting;
using Tandem.Runtime;

namespace Tandem.Cli.Tests.EndToEnd;

/// <summary>
/// The operator restarts, or leadership passes to a second replica, while a decode instance is draining under
/// long requests: the new process continues that drain where it was (same drain-started time, never routed again,
/// every request it held finishes) instead of forgetting it, re-adding the instance to the router or starting over.
/// </summary>
[Collection(EndToEndCollection.Name)]
public class ScaleDownContinuityEndToEndTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    // A slow decoder with a large KV cache: a few long answers keep both decode instances busy for ~15 s while the
    // pool's KV use stays far below the lower band, so lowering decode.min starts a drain that takes seconds.
    private const string Profile = """
        apiVersion: serving.tandem.dev/v1alpha1
        kind: ModelProfile
        metadata:
          name: slow
        spec:
          source: {uri: hf://example/slow}
          tensorParallelSize: 1
          numHiddenLayers: 4
          kvCacheBlocks: 2048
          throughput: {prefillTokensPerSecond: 4000, transferTokensPerSecond: 200000, decodeStepMillis: 20, decodeStepMillisPerRequest: 0.1}
          loadTime: {storage: 400ms, hostCache: 150ms, peer: 150ms}
        """;

    private const string Deployment = """
        apiVersion: serving.tandem.dev/v1alpha1
        kind: InferenceDeployment
        metadata:
          name: chat
        spec:
          model: slow
          features: []
          engine: {adapter: mock}
          scaling:
            interval: 200ms
            prefill: {min: 1, max: 1, utilization: {lower: 0.05, upper: 0.3}}
            decode: {min: 2, max: 2, utilization: {lower: 0.2, upper: 0.7}}
            migration: {lower: 0, upper: 0.4}
            scaleDownDelay: 1s
            standby: {replicas: 0, idleTimeout: 120s}
        """;

    [Fact]
    public async Task A_restarted_operator_continues_a_drain_in_progress_without_routing_to_the_instance_again()
    {
        await using var fixture = await StackFixture.StartAsync();
        await RunAsync(fixture, handOver: async () =>
        {
            await fixture.Stack.StopOperatorAsync();
            await fixture.Stack.StartOperatorAsync();
        });
    }

    [Fact]
    public async Task On_failover_to_a_second_replica_the_new_leader_continues_a_drain_in_progress()
    {
        await using var fixture = await StackFixture.StartAsync();
        // Two replicas with leader election in place of the stack's single operator.
        await fixture.Stack.StopOperatorAsync();
        await using var first = await ReplicaAsync(fixture, "replica-a");
        await Eventually.HoldsAsync(() => Task.FromResult(Leads(first)), leads => leads, Deadline, "replica-a leading");
        await using var second = await ReplicaAsync(fixture, "replica-b");

        await RunAsync(fixture, handOver: async () =>
        {
            Assert.False(Leads(second));
            await first.StopAsync();
            await Eventually.HoldsAsync(() => Task.FromResult(Leads(second)), leads => leads, Deadline, "replica-b leading");
        });
        var lease = await fixture.Client.CoordinationV1.ReadNamespacedLeaseAsync(OperatorLeaseName, "default");
        Assert.Equal("replica-b", lease.Spec.HolderIdentity);
    }

    private const string OperatorLeaseName = "tandem-e2e-operator";

    private static async Task RunAsync(StackFixture fixture, Func<Task> handOver)
    {
        await fixture.ApplyAsync(Profile + "\n---\n" + Deployment);
        await fixture.KubectlAsync("wait", "--for=condition=Ready", "inferencedeployment/chat", "--timeout=60s");
        var router = (await fixture.Stack.RouterUrlAsync("chat"))!;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(90) };
        var load = new LoadGenerator(http);

        // Long answers on both decode instances (~16 s each at 20 ms a step).
        var longRequests = load.RunAsync(LoadPlan.FixedRate(rate: 4, count: 6, inputTokens: 16, outputTokens: 800, seed: 3),
            new LoadOptions { Url = router, Duration = TimeSpan.FromSeconds(90) });
        await Eventually.HoldsAsync(() => DecodeRunningAsync(fixture), running => running.Count == 2 && running.Values.All(r => r >= 1),
            Deadline, "both decode instances running a long request");

        await using var sampler = new FleetSampler(fixture, "chat");
        await fixture.KubectlAsync("patch", "inferencedeployment/chat", "--type=merge", "-p", """{"spec":{"scaling":{"decode":{"min":1}}}}""");
        var draining = await Eventually.HoldsAsync(() => fixture.EnginePodsAsync("chat"),
            pods => pods.Any(p => StateOf(p) == "draining" && p.Metadata.Annotations?.ContainsKey(InstanceAnnotations.DrainStarted) == true),
            Deadline, "a decode instance draining");
        var pod = draining.First(p => StateOf(p) == "draining");
        var name = pod.Metadata.Name;
        var drainStarted = pod.Metadata.Annotations[InstanceAnnotations.DrainStarted];
        Assert.True(await RunningAsync(pod) >= 1, $"{name} drains with no request in flight: the test would prove nothing");

        await handOver();

        // The new process has the drain in hand: the instance is still draining from the time the old process
        // wrote (its long requests run for seconds more), and short requests sent now never reach it.
        var afterHandOver = (await fixture.EnginePodsAsync("chat")).Single(p => p.Metadata.Name == name);
        Assert.Equal("draining", StateOf(afterHandOver));
        Assert.Equal(drainStarted, afterHandOver.Metadata.Annotations[InstanceAnnotations.DrainStarted]);
        var drainSeen = DrainAnnotationsWhileDrainingAsync(fixture, name);
        var promptTokens = await PromptTokensAsync(pod);
        var shortOnes = await load.RunAsync(LoadPlan.FixedRate(rate: 5, count: 10, inputTokens: 8, outputTokens: 4, seed: 4),
            new LoadOptions { Url = router, Duration = TimeSpan.FromSeconds(60) });
        Assert.Equal(promptTokens, await PromptTokensAsync(pod));

        // The drain ends once its requests have finished, and no request of any kind failed.
        var outcomes = (await longRequests).Concat(shortOnes).ToArray();
        var failures = outcomes.Where(o => o.Failed).Select(o => o.Error).ToArray();
        Assert.True(failures.Length == 0, $"{failures.Length} failed requests: " + string.Join("\n", failures.Take(3)));
        Assert.Equal(16, outcomes.Length);
        // While it drained, every look at the pod showed the drain-started time the old process wrote (a successor
        // that forgot the drain would clear or rewrite it).
        var seen = await drainSeen;
        Assert.True(seen.Count >= 2, $"{name} was seen draining {seen.Count} times after the hand-over");
        Assert.All(seen, value => Assert.Equal(drainStarted, value));

        // Across the hand-over no pod was relabelled pending, decode kept an active instance and never had more
        // than the two it started with (the drained one was not re-activated).
        var samples = sampler.Samples;
        Assert.NotEmpty(samples);
        Assert.All(samples, s => Assert.True(s.ActiveDecode is >= 1 and <= 2 && s.ActiveDecode + s.Draining <= 2, s.ToString()));
        var pending = (await fixture.Client.CoreV1.ListNamespacedPodAsync("default")).Items.Count(p => StateOf(p) == "pending");
        Assert.Equal(0, pending);
    }

    /// <summary>The pod's drain-started annotation, every 100 ms while it is labelled draining (bounded by the deadline).</summary>
    private static async Task<List<string?>> DrainAnnotationsWhileDrainingAsync(StackFixture fixture, string name)
    {
        var seen = new List<string?>();
        var until = DateTime.UtcNow + Deadline;
        while (DateTime.UtcNow < until)
        {
            var pod = (await fixture.EnginePodsAsync("chat")).SingleOrDefault(p => p.Metadata.Name == name);
            if (pod is null || StateOf(pod) != "draining")
            {
                return seen;
            }

            seen.Add(pod.Metadata.Annotations?.TryGetValue(InstanceAnnotations.DrainStarted, out var value) == true ? value : null);
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }

        throw new TimeoutException($"{name} still draining after {Deadline.TotalSeconds:F0} s");
    }

    private static string? StateOf(V1Pod pod) => pod.Metadata.Labels?.TryGetValue(WellKnownLabels.State, out var state) == true ? state : null;

    private static async Task<Dictionary<string, double>> DecodeRunningAsync(StackFixture fixture)
    {
        var decode = (await fixture.EnginePodsAsync("chat")).Where(p => StateOf(p) == "active"
            && p.Metadata.Labels.TryGetValue(WellKnownLabels.Role, out var role) && role == "decode");
        var running = new Dictionary<string, double>();
        foreach (var pod in decode)
        {
            running[pod.Metadata.Name] = await RunningAsync(pod);
        }

        return running;
    }

    private static Task<double> RunningAsync(V1Pod pod) => MetricAsync(pod, "vllm:num_requests_running");

    private static Task<double> PromptTokensAsync(V1Pod pod) => MetricAsync(pod, "vllm:prompt_tokens_total");

    /// <summary>One sample of the mock engine's /metrics on the pod's serving port.</summary>
    private static async Task<double> MetricAsync(V1Pod pod, string name)
    {
        var port = pod.Spec.Containers[0].Ports.Single(p => p.Name == "http").ContainerPort;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var text = await http.GetStringAsync(new Uri($"http://{pod.Status.PodIP}:{port}/metrics"));
        var line = Regex.Match(text, "^" + Regex.Escape(name) + @"(\{[^}]*\})? (\S+)$", RegexOptions.Multiline);
        return line.Success ? double.Parse(line.Groups[2].Value, CultureInfo.InvariantCulture) : throw new InvalidOperationException($"{name} not in {pod.Metadata.Name}'s /metrics");
    }

    private static bool Leads(WebApplication replica) => replica.Services.GetRequiredService<ILeadership>().IsLeader;

    /// <summary>One operator replica in-process, electing a leader through a Lease in the emulator.</summary>
    private static async Task<WebApplication> ReplicaAsync(StackFixture fixture, string identity)
    {
        var app = OperatorHost.Build(new OperatorHostSettings
        {
            MetricsAddress = "127.0.0.1:0",
            ClientConfiguration = fixture.Stack.Cluster.ClientConfiguration,
            MinimumLogLevel = Microsoft.Extensions.Logging.LogLevel.Warning,
            Configuration = new Dictionary<string, string?>
            {
                ["Runtime:ResyncPeriod"] = "00:01:00",
                ["Runtime:LeaderElection:Enabled"] = "true",
                ["Runtime:LeaderElection:LeaseName"] = OperatorLeaseName,
                ["Runtime:LeaderElection:LeaseNamespace"] = "default",
                ["Runtime:LeaderElection:Identity"] = identity,
                ["Runtime:LeaderElection:LeaseDuration"] = "00:00:15",
                ["Runtime:LeaderElection:RenewDeadline"] = "00:00:10",
                ["Runtime:LeaderElection:RetryPeriod"] = "00:00:00.5",
            },
        });
        await app.StartAsync();
        return app;
    }
}
