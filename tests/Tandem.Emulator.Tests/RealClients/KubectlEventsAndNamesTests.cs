namespace Tandem.Emulator.Tests.RealClients;

/// <summary>kubectl 1.34 on Tandem's kinds: <c>kubectl events --for</c>, and short names that do not shadow core kinds.</summary>
public sealed class KubectlEventsAndNamesTests
{
    private static string Crds => Path.Combine(RealTools.RepoRoot, "crds");

    private const string Deployment = """
        apiVersion: serving.tandem.dev/v1alpha1
        kind: InferenceDeployment
        metadata: {name: chat, namespace: default}
        spec: {model: llama3-8b}
        """;

    // An event as the operator records it (core/v1, involvedObject with apiVersion).
    private const string Events = """
        apiVersion: v1
        kind: Event
        metadata: {name: chat.scaled, namespace: default}
        involvedObject: {apiVersion: serving.tandem.dev/v1alpha1, kind: InferenceDeployment, name: chat, namespace: default}
        reason: ScaledUp
        message: prefill 1 -> 2
        type: Normal
        source: {component: serving.tandem.dev/operator}
        ---
        apiVersion: v1
        kind: Event
        metadata: {name: other.scaled, namespace: default}
        involvedObject: {apiVersion: serving.tandem.dev/v1alpha1, kind: InferenceDeployment, name: other, namespace: default}
        reason: OtherReason
        message: not for chat
        type: Normal
        """;

    [Fact]
    public async Task Kubectl_events_for_an_inference_deployment_lists_only_its_events()
    {
        await using var s = await ClientSession.StartAsync();
        await s.KubectlOk("apply", "-f", Crds);
        await s.KubectlOk("apply", "-f", s.WriteFile("chat.yaml", Deployment));
        await s.KubectlOk("create", "-f", s.WriteFile("events.yaml", Events));

        var forInfd = await s.KubectlOk("events", "--for", "infd/chat");
        var forKind = await s.KubectlOk("events", "--for", "inferencedeployment.serving.tandem.dev/chat");

        foreach (var output in new[] { forInfd, forKind })
        {
            Assert.Contains("ScaledUp", output);
            Assert.DoesNotContain("OtherReason", output);
        }
    }

    [Fact]
    public async Task Ep_names_core_endpoints_and_epool_names_engine_pools()
    {
        await using var s = await ClientSession.StartAsync();
        await s.KubectlOk("apply", "-f", Crds);

        var resources = await s.KubectlOk("api-resources", "--api-group=serving.tandem.dev", "--no-headers");
        var pools = resources.Split('\n').Single(l => l.StartsWith("enginepools", StringComparison.Ordinal));
        Assert.Contains("epool", pools);
        Assert.DoesNotContain(" ep ", pools.Replace(",", " ", StringComparison.Ordinal) + " ");
        Assert.Contains("endpoints", (await s.Kubectl("get", "ep", "-A", "-v=6")).Stderr);
        Assert.Equal(0, (await s.Kubectl("get", "epool")).ExitCode);
    }
}
