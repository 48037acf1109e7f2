using System.Text.Json.Nodes;

namespace Tandem.Emulator.Tests.RealClients;

/// <summary><c>kubectl autoscale enginepool</c> with kubectl 1.34, which sends an autoscaling/v2 HPA as protobuf.</summary>
public sealed class KubectlAutoscaleTests
{
    private const string Pool = """
        apiVersion: serving.tandem.dev/v1alpha1
        kind: EnginePool
        metadata: {name: chat-decode, namespace: default}
        spec: {role: decode, replicas: 1}
        """;

    [Fact]
    public async Task Kubectl_autoscale_enginepool_creates_an_autoscaling_v2_hpa_targeting_the_pool()
    {
        await using var s = await ClientSession.StartAsync();
        await s.KubectlOk("apply", "-f", Path.Combine(RealTools.RepoRoot, "crds"));
        await s.KubectlOk("apply", "-f", s.WriteFile("pool.yaml", Pool));

        Assert.Contains("autoscaled", await s.KubectlOk("autoscale", "enginepool", "chat-decode", "--min=1", "--max=5", "--cpu-percent=80"));

        var hpa = JsonNode.Parse(await s.KubectlOk("get", "hpa", "chat-decode", "-o", "json"))!;
        Assert.Equal("autoscaling/v2", (string)hpa["apiVersion"]!);
        var spec = hpa["spec"]!;
        Assert.Equal(("EnginePool", "chat-decode", "serving.tandem.dev/v1alpha1"),
            ((string)spec["scaleTargetRef"]!["kind"]!, (string)spec["scaleTargetRef"]!["name"]!, (string)spec["scaleTargetRef"]!["apiVersion"]!));
        Assert.Equal((1, 5), ((int)spec["minReplicas"]!, (int)spec["maxReplicas"]!));
        var metric = spec["metrics"]![0]!;
        Assert.Equal(("Resource", "cpu", "Utilization", 80),
            ((string)metric["type"]!, (string)metric["resource"]!["name"]!, (string)metric["resource"]!["target"]!["type"]!, (int)metric["resource"]!["target"]!["averageUtilization"]!));
    }
}
