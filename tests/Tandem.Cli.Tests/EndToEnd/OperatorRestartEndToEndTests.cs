using System.Net.Http.Json;
using k8s;
using Tandem.Api.V1Alpha1;

namespace Tandem.Cli.Tests.EndToEnd;

/// <summary>
/// The operator restarts while its deployment serves: the new process continues from the cluster. No engine pod is
/// relabelled pending, no EnginePool replicas are written (down and up), the instances' timers on the pods stay, the
/// router gets the same members again and requests keep being served.
/// </summary>
[Collection(EndToEndCollection.Name)]
public class OperatorRestartEndToEndTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    // vllm: awake vLLM servers only know "awake"; the restarted operator reads from the pods' labels which were routed.
    [Theory]
    [InlineData("mock", "[fast-load]")]
    [InlineData("vllm", "[host-cache]")]
    public async Task Restarting_the_operator_keeps_labels_pool_replicas_and_instance_timers_and_the_router_serving(string adapter, string features)
    {
        await using var fixture = await StackFixture.StartAsync();
        var deployment = TestDeployments.Deployment(features: features).Replace("adapter: mock", "adapter: " + adapter, StringComparison.Ordinal);
        await fixture.ApplyAsync(TestDeployments.Profile + "\n---\n" + deployment);
        await fixture.KubectlAsync("wait", "--for=condition=Ready", "inferencedeployment/chat", "--timeout=60s");
        // At rest (a vLLM standby pod starts awake, is warm for scaleDownDelay, then sleeps).
        await Eventually.HoldsAsync(() => FleetSampler.SampleAsync(fixture, "chat"),
            s => s.ActivePrefill == 1 && s.ActiveDecode == 1 && s.Standby == 1 && s.Pods == 3, Deadline, "1+1 active and one standby");
        var before = await Eventually.HoldsAsync(() => fixture.EnginePodsAsync("chat"),
            p => p.Count == 3 && p.All(x => x.Metadata.Annotations?.ContainsKey(ApiGroup.Group + "/state-since") == true), Deadline, "three engine pods with their timers");
        var timers = before.ToDictionary(p => p.Metadata.Name, p => p.Metadata.Annotations[ApiGroup.Group + "/state-since"]);
        var pools = await PoolGenerationsAsync(fixture);
        var version = (await fixture.DeploymentAsync("chat")).Status!.RouterMembershipVersion;

        IReadOnlyList<FleetSample> samples;
        await using (var sampler = new FleetSampler(fixture, "chat"))
        {
            await fixture.Stack.StopOperatorAsync();
            await fixture.Stack.StartOperatorAsync();

            // The new process has published membership once it knows every engine's status.
            await Eventually.HoldsAsync(() => fixture.DeploymentAsync("chat"), d => d.Status?.RouterMembershipVersion > version, Deadline, "membership from the restarted operator");
            samples = sampler.Samples;
        }

        Assert.NotEmpty(samples);
        Assert.All(samples, s => Assert.True(s.ActivePrefill == 1 && s.ActiveDecode == 1 && s.Standby == 1 && s.Pods == 3, s.ToString()));
        var after = await fixture.EnginePodsAsync("chat");
        Assert.Equal(timers, after.ToDictionary(p => p.Metadata.Name, p => p.Metadata.Annotations[ApiGroup.Group + "/state-since"]));
        Assert.Equal(pools, await PoolGenerationsAsync(fixture));

        var router = (await fixture.Stack.RouterUrlAsync("chat"))!;
        using var http = new HttpClient { BaseAddress = router };
        var response = await http.PostAsJsonAsync("/v1/completions", new { model = "tiny", prompt = "after the restart", max_tokens = 4 });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Each pool's replicas and generation: a write of replicas (even down and back up) moves the generation.</summary>
    private static async Task<Dictionary<string, (int? Replicas, long? Generation)>> PoolGenerationsAsync(StackFixture fixture)
    {
        var list = (System.Text.Json.JsonElement)await fixture.Client.CustomObjects.ListNamespacedCustomObjectAsync(ApiGroup.Group, ApiGroup.Version, "default", "enginepools");
        return list.GetProperty("items").EnumerateArray()
            .Select(i => KubernetesJson.Deserialize<EnginePool>(i.GetRawText()))
            .ToDictionary(p => p.Metadata.Name, p => ((int?)p.Spec.Replicas, p.Metadata.Generation));
    }
}
