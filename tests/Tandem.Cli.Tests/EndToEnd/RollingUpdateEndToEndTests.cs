using Tandem.Engines.Load;
using Tandem.Operator.Autoscaling;
using Tandem.Operator.Instances;
using Tandem.Scaling.Workload;

namespace Tandem.Cli.Tests.EndToEnd;

/// <summary>
/// The issue's acceptance check: a <c>kubectl patch</c> that needs new engine pods (a port change) on a deployment under
/// steady load rolls out instance by instance — each replacement serves before the instance it replaces leaves routing,
/// drains and goes — with no failed request and never a role without an active instance.
/// </summary>
[Collection(EndToEndCollection.Name)]
public class RollingUpdateEndToEndTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    // Utilization bands wide enough that a light steady load neither scales up nor down: what moves is the rollout.
    private const string Deployment = """
        apiVersion: serving.tandem.dev/v1alpha1
        kind: InferenceDeployment
        metadata:
          name: chat
        spec:
          model: tiny
          features: [fast-load]
          engine: {adapter: ADAPTER}
          scaling:
            interval: 200ms
            prefill: {min: 2, max: 3, utilization: {lower: 0, upper: 0.95}}
            decode: {min: 1, max: 2, utilization: {lower: 0, upper: 0.95}}
            migration: {lower: 0, upper: 0.9}
            scaleDownDelay: 1s
            standby: {replicas: 1, idleTimeout: 60s}
        """;

    // mock: the issue's own edit (engine.ports.control); vllm has no separate control port, so its serving port (and metrics, which vLLM serves on the same port) moves.
    [Theory]
    [InlineData("mock", """{"spec":{"engine":{"ports":{"control":9001}}}}""", "control", 9001)]
    [InlineData("vllm", """{"spec":{"engine":{"ports":{"serving":8100,"metrics":8100}}}}""", "http", 8100)]
    public async Task A_port_change_under_load_rolls_out_instance_by_instance_with_no_failed_request(string adapter, string patch, string portName, int newPort)
    {
        await using var fixture = await StackFixture.StartAsync();
        await fixture.ApplyAsync(TestDeployments.Profile + "\n---\n" + Deployment.Replace("ADAPTER", adapter, StringComparison.Ordinal));
        await fixture.KubectlAsync("wait", "--for=condition=Ready", "inferencedeployment/chat", "--timeout=60s");
        await Eventually.HoldsAsync(() => FleetSampler.SampleAsync(fixture, "chat"),
            s => s.ActivePrefill == 2 && s.ActiveDecode == 1 && s.Standby == 1, Deadline, "2 prefill + 1 decode active and one standby");
        var before = await fixture.EnginePodsAsync("chat");
        var oldHash = PodTemplateHash.Read(before[0]);
        Assert.NotNull(oldHash);
        Assert.All(before, p => Assert.Equal(oldHash, PodTemplateHash.Read(p)));

        var router = (await fixture.Stack.RouterUrlAsync("chat"))!;
        using var http = new HttpClient();
        var sawRollingOut = false;
        IReadOnlyList<RequestOutcome> outcomes;
        IReadOnlyList<FleetSample> during;
        await using (var sampler = new FleetSampler(fixture, "chat"))
        {
            // Steady load for ~50 s (bounded by its count); the patch lands while it runs.
            var load = new LoadGenerator(http).RunAsync(LoadPlan.FixedRate(rate: 6, count: 300, inputTokens: 200, outputTokens: 30, seed: 5),
                new LoadOptions { Url = router, Duration = TimeSpan.FromSeconds(120) });
            await Eventually.HoldsAsync(() => Task.FromResult(sampler.Samples.Count), n => n >= 5, Deadline, "the sampler running");
            await fixture.KubectlAsync("patch", "infd", "chat", "--type", "merge", "-p", patch);

            // Every engine pod replaced by one of the new template, the status said RollingOut on the way and is done now.
            await Eventually.HoldsAsync(async () =>
            {
                var progressing = (await ReasonAsync(fixture, "Progressing")).Trim();
                sawRollingOut |= progressing == "RollingOut";
                return (Pods: await fixture.EnginePodsAsync("chat"), Progressing: progressing);
            }, look => look.Pods.Count > 0 && look.Pods.All(p => PodTemplateHash.Read(p) != oldHash && before.All(b => b.Metadata.Name != p.Metadata.Name || b.Metadata.Uid != p.Metadata.Uid))
                && look.Progressing != "RollingOut", Deadline, "every engine pod replaced and the rollout finished");
            Assert.False(load.IsCompleted, "the load ended before the rollout did: the test did not measure a rollout under load");
            outcomes = await load;
            during = sampler.Samples;
        }

        Assert.True(sawRollingOut, "the Progressing condition never said RollingOut");
        Assert.Equal(300, outcomes.Count);
        var failures = outcomes.Where(o => o.Failed).Select(o => o.Error).ToArray();
        Assert.True(failures.Length == 0, $"{failures.Length} of {outcomes.Count} requests failed: " + string.Join("\n", failures.Take(3)));

        // Never all instances of a role out of service (as the pods' labels showed them every 100 ms).
        Assert.All(during, s => Assert.True(s.ActivePrefill >= 1 && s.ActiveDecode >= 1, $"a role had no active instance: {s}"));

        // The new pods listen on the new port, and each replaced serving instance got its event.
        var after = await fixture.EnginePodsAsync("chat");
        Assert.All(after, p => Assert.Contains(p.Spec.Containers[0].Ports, port => port.Name == portName && port.ContainerPort == newPort));
        var events = await fixture.KubectlAsync("get", "events.events.k8s.io", "-o", "custom-columns=REASON:.reason,NOTE:.note", "--no-headers");
        var replaced = events.Split('\n').Where(l => l.StartsWith(RolloutExecutor.InstanceReplaced, StringComparison.Ordinal)).ToArray();
        Assert.True(replaced.Count(l => l.Contains("drained and was deleted", StringComparison.Ordinal)) >= 3,
            "expected an InstanceReplaced event for each of the 3 serving instances; events:\n" + events);
        await fixture.KubectlAsync("wait", "--for=condition=Ready", "inferencedeployment/chat", "--timeout=30s");
    }

    private static Task<string> ReasonAsync(StackFixture fixture, string type) =>
        fixture.KubectlAsync("get", "infd", "chat", "-o", $"jsonpath={{.status.conditions[?(@.type==\"{type}\")].reason}}");
}
