using System.Text.Json.Nodes;
using Tandem.Emulator.Tests.Support;

namespace Tandem.Emulator.Tests.Kubelet;

public sealed class WorkloadTests
{
    private const string Deploys = "/apis/apps/v1/namespaces/default/deployments";

    private static async Task<JsonArray> PodsOf(RawApi raw, string app) =>
        (await raw.Get($"/api/v1/namespaces/default/pods?labelSelector=app%3D{app}")).Body!["items"]!.AsArray();

    [Fact]
    public async Task Deployment_runs_its_replicas_as_ready_pods_and_reports_availability()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        using var raw = new RawApi(cluster.Url);
        await raw.Post(Deploys, Objects.Deployment("web", replicas: 3));
        var d = await Eventually.Until(async () =>
        {
            var (_, b) = await raw.Get($"{Deploys}/web");
            return b?["status"]?["availableReplicas"]?.GetValue<int>() == 3 ? b : null;
        }, "3 available replicas");
        Assert.Equal(1, d["status"]!["observedGeneration"]!.GetValue<int>());
        Assert.Contains(d["status"]!["conditions"]!.AsArray(), c => c!["type"]!.GetValue<string>() == "Available" && c["status"]!.GetValue<string>() == "True");
        var pods = await PodsOf(raw, "web");
        Assert.Equal(3, pods.Count);
        Assert.All(pods, p => Assert.Equal("Deployment", p!["metadata"]!["ownerReferences"]![0]!["kind"]!.GetValue<string>()));
        Assert.Equal(3, pods.Select(p => p!["status"]!["podIP"]!.GetValue<string>()).Distinct().Count());
    }

    [Fact]
    public async Task Scaling_down_and_changing_the_template_replace_pods()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        using var raw = new RawApi(cluster.Url);
        await raw.Post(Deploys, Objects.Deployment("app", replicas: 2));
        await Eventually.True(async () => (await PodsOf(raw, "app")).Count == 2, "2 pods");
        var before = (await PodsOf(raw, "app")).Select(p => p!["metadata"]!["name"]!.GetValue<string>()).ToHashSet();
        await raw.Patch($"{Deploys}/app", JsonNode.Parse("""{"spec":{"replicas":1,"template":{"spec":{"containers":[{"name":"app","image":"app:2"}]}}}}""")!, "application/strategic-merge-patch+json");
        await Eventually.True(async () =>
        {
            var pods = await PodsOf(raw, "app");
            return pods.Count == 1 && !before.Contains(pods[0]!["metadata"]!["name"]!.GetValue<string>())
                && pods[0]!["spec"]!["containers"]![0]!["image"]!.GetValue<string>() == "app:2";
        }, "one pod of the new template");
    }

    [Fact]
    public async Task Service_with_a_selector_gets_endpoints_and_an_endpoint_slice_of_its_ready_pods()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        using var raw = new RawApi(cluster.Url);
        await raw.Post(Deploys, Objects.Deployment("api", replicas: 2));
        var svc = JsonNode.Parse("""{"metadata":{"name":"api"},"spec":{"selector":{"app":"api"},"ports":[{"name":"http","port":80,"targetPort":8000}]}}""")!;
        Assert.Equal(201, (await raw.Post("/api/v1/namespaces/default/services", svc)).Code);
        var slice = await Eventually.Until(async () =>
        {
            var (_, list) = await raw.Get("/apis/discovery.k8s.io/v1/namespaces/default/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3Dapi");
            var s = list?["items"]?.AsArray().FirstOrDefault();
            return s?["endpoints"]?.AsArray().Count(e => e!["conditions"]!["ready"]!.GetValue<bool>()) == 2 ? s : null;
        }, "a slice with 2 ready endpoints");
        Assert.Equal(8000, slice["ports"]![0]!["port"]!.GetValue<int>());
        Assert.All(slice["endpoints"]!.AsArray(), e => Assert.StartsWith("127.", e!["addresses"]![0]!.GetValue<string>()));
        var (_, eps) = await raw.Get("/api/v1/namespaces/default/endpoints/api");
        Assert.Equal(2, eps!["subsets"]![0]!["addresses"]!.AsArray().Count);
    }
}
