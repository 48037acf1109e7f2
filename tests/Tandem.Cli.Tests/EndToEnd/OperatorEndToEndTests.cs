using System.Net.Http.Json;
using Tandem.Api.V1Alpha1;

namespace Tandem.Cli.Tests.EndToEnd;

/// <summary>
/// The operator loop end to end, as a user drives it: kubectl apply of a ModelProfile and an InferenceDeployment on the
/// API emulator, the operator in-process, mock engines and the router on their pod IPs.
/// </summary>
[Collection(EndToEndCollection.Name)]
public class OperatorEndToEndTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Applied_deployment_becomes_ready_with_one_instance_per_role_a_standby_and_router_membership()
    {
        await using var fixture = await StackFixture.StartAsync();

        await fixture.ApplyAsync(TestDeployments.Profile + "\n---\n" + TestDeployments.Deployment());
        await fixture.KubectlAsync("wait", "--for=condition=Ready", "inferencedeployment/chat", "--timeout=60s");

        var deployment = await fixture.DeploymentAsync("chat");
        Assert.Equal("1/1", deployment.Status!.Prefill!.Summary);
        Assert.Equal("1/1", deployment.Status.Decode!.Summary);
        Assert.True(deployment.Status.RouterMembershipVersion > 0);
        Assert.Equal(deployment.Metadata.Generation, deployment.Status.ObservedGeneration);
        var pods = await Eventually.HoldsAsync(() => fixture.EnginePodsAsync("chat"), p => p.Count(x => x.Metadata.Labels[WellKnownLabels.State] == "standby") == 1, Deadline, "a standby pod");
        Assert.Equal(3, pods.Count);

        var table = await fixture.KubectlAsync("get", "infd", "chat");
        Assert.Contains("MODEL", table);
        Assert.Contains("tiny", table);
        var pools = await fixture.KubectlAsync("get", "enginepools");
        Assert.Contains("chat-prefill", pools);
        Assert.Contains("chat-decode", pools);

        var router = await fixture.Stack.RouterUrlAsync("chat");
        using var http = new HttpClient { BaseAddress = router };
        var response = await http.PostAsJsonAsync("/v1/completions", new { model = "tiny", prompt = "hello tandem world", max_tokens = 4 });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EndToEndCollection
{
    public const string Name = "end-to-end";
}
