using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Tandem.Api.V1Alpha1;
using Tandem.Engines.Load;
using Tandem.Scaling.Workload;

namespace Tandem.Cli.Tests.EndToEnd;

/// <summary>
/// A vLLM InferenceDeployment on the emulator: its pods are `vllm serve` pods (run by the vLLM-faithful mock), and
/// scaling runs through the vllm adapter end to end — wake from sleep and route on a spike, drain, sleep and delete on
/// a lull — with no request lost.
/// </summary>
[Collection(EndToEndCollection.Name)]
public class VllmEndToEndTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    private const string Deployment = """
        apiVersion: serving.tandem.dev/v1alpha1
        kind: InferenceDeployment
        metadata:
          name: chat
        spec:
          model: tiny
          features: [mutate, fast-load, host-cache]
          engine:
            adapter: vllm
            kvTransfer: {granularity: request}
          scaling:
            interval: 200ms
            prefill: {min: 1, max: 3, utilization: {lower: 0.05, upper: 0.3}}
            decode: {min: 1, max: 3, utilization: {lower: 0.2, upper: 0.7}}
            migration: {lower: 0, upper: 0.4}
            scaleDownDelay: 1s
            standby: {replicas: 1, idleTimeout: 2s}
        """;

    [Fact]
    public async Task Vllm_deployment_runs_vllm_serve_pods_and_scales_through_sleep_and_wake_without_failures()
    {
        await using var fixture = await StackFixture.StartAsync();
        await fixture.ApplyAsync(TestDeployments.Profile + "\n---\n" + Deployment);
        await fixture.KubectlAsync("wait", "--for=condition=Ready", "inferencedeployment/chat", "--timeout=60s");

        // The pods are what a GPU cluster would run: vllm serve for NIXL P/D, sleep mode in dev mode.
        var pods = await fixture.EnginePodsAsync("chat");
        var container = pods[0].Spec.Containers[0];
        Assert.Equal(Defaults.VllmImage, container.Image);
        Assert.Equal(["vllm", "serve"], container.Command);
        Assert.Equal("example/tiny", container.Args[0]);
        Assert.Contains("""{"kv_connector":"NixlConnector","kv_role":"kv_both"}""", container.Args);
        Assert.Contains("--enable-sleep-mode", container.Args);
        Assert.Contains(container.Env, e => e.Name == "VLLM_SERVER_DEV_MODE" && e.Value == "1");

        // fast-load has no vLLM equivalent: the condition says so, and scale-ups fall back to waking from sleep.
        var ableToScale = await fixture.KubectlAsync("get", "infd", "chat", "-o", "jsonpath={.status.conditions[?(@.type==\"AbleToScale\")].message}");
        Assert.Contains("fast-load has no vLLM equivalent", ableToScale);

        // At rest: 1+1 routed and the standby buffer's pod asleep (warm for scaleDownDelay, then sleep level 1).
        await Eventually.HoldsAsync(() => FleetSampler.SampleAsync(fixture, "chat"),
            s => s.ActivePrefill == 1 && s.ActiveDecode == 1 && s.Standby == 1 && s.Pods == 3, Deadline, "1+1 active and one sleeping standby pod");

        var router = (await fixture.Stack.RouterUrlAsync("chat"))!;
        IReadOnlyList<RequestOutcome> outcomes;
        IReadOnlyList<FleetSample> during;
        await using (var sampler = new FleetSampler(fixture, "chat"))
        {
            using var load = new HttpClient();
            var plan = LoadPlan.FixedRate(rate: 40, count: 200, inputTokens: 600, outputTokens: 40, seed: 11);
            outcomes = await new LoadGenerator(load).RunAsync(plan, new LoadOptions { Url = router, Concurrency = 256, Duration = TimeSpan.FromSeconds(60) });
            during = sampler.Samples;
        }

        Assert.Equal(200, outcomes.Count);
        Assert.All(outcomes, o => Assert.False(o.Failed, o.Error));
        Assert.Contains(during, s => s.ActivePrefill >= 2);
        Assert.Contains(during, s => s.ActiveDecode >= 2);

        // The lull: drained instances go warm, then sleep (standby), and pods beyond the buffer are deleted.
        var settled = await Eventually.HoldsAsync(() => FleetSampler.SampleAsync(fixture, "chat"),
            s => s.ActivePrefill == 1 && s.ActiveDecode == 1 && s.Warm == 0 && s.Draining == 0 && s.Pods == 3, Deadline, "scale-down to 1+1 and one standby pod");
        Assert.Equal(1, settled.Standby);

        // vLLM itself says the standby pod sleeps, and the active ones are awake.
        using var http = new HttpClient();
        foreach (var pod in await fixture.EnginePodsAsync("chat"))
        {
            var sleeping = (await http.GetFromJsonAsync<JsonObject>($"http://{pod.Status.PodIP}:8000/is_sleeping"))!["is_sleeping"]!.GetValue<bool>();
            Assert.Equal(pod.Metadata.Labels[WellKnownLabels.State] == "standby", sleeping);
        }

        var events = await fixture.KubectlAsync("get", "events.events.k8s.io", "-o", "custom-columns=REASON:.reason,OBJECT:.regarding.name");
        foreach (var reason in new[] { "ScaledUp", "Draining", "Unloaded", "PodDeleted" })
        {
            Assert.Contains(reason, events);
        }

        var notes = await fixture.KubectlAsync("get", "events.events.k8s.io", "-o", "custom-columns=NOTE:.note", "--no-headers");
        // A standby (asleep) instance was woken on the spike, from host memory, never from a peer.
        Assert.Contains("Activating standby instance", notes);
        Assert.Contains("(weights from host-cache)", notes);
        Assert.DoesNotContain("(weights from peer(", notes);
    }
}
