using System.Text.Json.Nodes;
using Tandem.Emulator.Tests.Support;

namespace Tandem.Emulator.Tests.Core;

public sealed class PatchTests
{
    private const string Deploys = "/apis/apps/v1/namespaces/default/deployments";

    [Fact]
    public async Task Json_merge_patch_sets_and_removes_fields()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        using var raw = new RawApi(cluster.Url);
        await raw.Post("/api/v1/namespaces/default/configmaps", new JsonObject { ["metadata"] = new JsonObject { ["name"] = "m" }, ["data"] = new JsonObject { ["a"] = "1", ["b"] = "2" } });
        var (code, body) = await raw.Patch("/api/v1/namespaces/default/configmaps/m", new JsonObject { ["data"] = new JsonObject { ["a"] = null, ["c"] = "3" } }, "application/merge-patch+json");
        Assert.Equal(200, code);
        Assert.Equal("""{"b":"2","c":"3"}""", body!["data"]!.ToJsonString());
    }

    [Fact]
    public async Task Json_patch_applies_operations_and_a_failed_test_op_rejects_the_patch()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        using var raw = new RawApi(cluster.Url);
        await raw.Post(Deploys, Objects.Deployment("j"));
        var ops = JsonNode.Parse("""[{"op":"test","path":"/spec/replicas","value":1},{"op":"replace","path":"/spec/replicas","value":4},{"op":"add","path":"/metadata/labels","value":{"x":"y"}}]""")!;
        var (code, body) = await raw.Patch($"{Deploys}/j", ops, "application/json-patch+json");
        Assert.Equal(200, code);
        Assert.Equal(4, body!["spec"]!["replicas"]!.GetValue<int>());
        Assert.Equal("y", body["metadata"]!["labels"]!["x"]!.GetValue<string>());
        var failing = JsonNode.Parse("""[{"op":"test","path":"/spec/replicas","value":1},{"op":"replace","path":"/spec/replicas","value":9}]""")!;
        Assert.Equal(422, (await raw.Patch($"{Deploys}/j", failing, "application/json-patch+json")).Code);
    }

    [Fact]
    public async Task Strategic_merge_patch_merges_containers_by_name_and_honours_delete_directives()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        using var raw = new RawApi(cluster.Url);
        await raw.Post(Deploys, Objects.Deployment("s"));
        var patch = JsonNode.Parse("""
            {"spec":{"template":{"spec":{"containers":[
              {"name":"app","image":"app:2","env":[{"name":"A","value":"1"}]},
              {"name":"sidecar","image":"side:1"}]}}}}
            """)!;
        var (code, body) = await raw.Patch($"{Deploys}/s", patch, "application/strategic-merge-patch+json");
        Assert.Equal(200, code);
        var containers = body!["spec"]!["template"]!["spec"]!["containers"]!.AsArray();
        Assert.Equal(["app", "sidecar"], containers.Select(c => c!["name"]!.GetValue<string>()));
        Assert.Equal("app:2", containers[0]!["image"]!.GetValue<string>());
        var remove = JsonNode.Parse("""{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","$patch":"delete"}]}}}}""")!;
        (code, body) = await raw.Patch($"{Deploys}/s", remove, "application/strategic-merge-patch+json");
        Assert.Equal(200, code);
        Assert.Equal(["app"], body!["spec"]!["template"]!["spec"]!["containers"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()));
        Assert.Equal("A", body["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]![0]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Patch_carrying_a_stale_resource_version_fails_with_409()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        using var raw = new RawApi(cluster.Url);
        await raw.Post("/api/v1/namespaces/default/configmaps", Objects.ConfigMap("p"));
        var (code, _) = await raw.Patch("/api/v1/namespaces/default/configmaps/p", JsonNode.Parse("""{"metadata":{"resourceVersion":"1"},"data":{"k":"x"}}""")!, "application/merge-patch+json");
        Assert.Equal(409, code);
    }

    [Fact]
    public async Task Status_patch_changes_status_only()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        using var raw = new RawApi(cluster.Url);
        await raw.Post(Deploys, Objects.Deployment("st"));
        var (code, body) = await raw.Patch($"{Deploys}/st/status", JsonNode.Parse("""{"spec":{"replicas":5},"status":{"readyReplicas":1}}""")!, "application/merge-patch+json");
        Assert.Equal(200, code);
        Assert.Equal(1, body!["spec"]!["replicas"]!.GetValue<int>());
        Assert.Equal(1, body["status"]!["readyReplicas"]!.GetValue<int>());
    }

    [Fact]
    public async Task Scale_subresource_reads_and_writes_spec_replicas_and_reports_the_selector()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        using var raw = new RawApi(cluster.Url);
        await raw.Post(Deploys, Objects.Deployment("sc", replicas: 2));
        var (code, scale) = await raw.Get($"{Deploys}/sc/scale");
        Assert.Equal(200, code);
        Assert.Equal("Scale", scale!["kind"]!.GetValue<string>());
        Assert.Equal(2, scale["spec"]!["replicas"]!.GetValue<int>());
        Assert.Equal("app=sc", scale["status"]!["selector"]!.GetValue<string>());
        (code, scale) = await raw.Patch($"{Deploys}/sc/scale", JsonNode.Parse("""{"spec":{"replicas":6}}""")!, "application/merge-patch+json");
        Assert.Equal(200, code);
        Assert.Equal(6, scale!["spec"]!["replicas"]!.GetValue<int>());
        var (_, d) = await raw.Get($"{Deploys}/sc");
        Assert.Equal(6, d!["spec"]!["replicas"]!.GetValue<int>());
        Assert.Equal(2, d["metadata"]!["generation"]!.GetValue<int>());
    }

    [Fact]
    public async Task Unknown_patch_content_type_is_rejected_with_415()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        using var raw = new RawApi(cluster.Url);
        await raw.Post("/api/v1/namespaces/default/configmaps", Objects.ConfigMap("u"));
        Assert.Equal(415, (await raw.Patch("/api/v1/namespaces/default/configmaps/u", new JsonObject(), "application/x-custom")).Code);
    }
}
