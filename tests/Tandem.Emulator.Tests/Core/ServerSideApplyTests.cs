using System.Text.Json.Nodes;
using Tandem.Emulator.Tests.Support;

namespace Tandem.Emulator.Tests.Core;

public sealed class ServerSideApplyTests
{
    private const string Cm = "/api/v1/namespaces/default/configmaps/ssa";
    private const string Yaml = "application/apply-patch+yaml";

    private static Task<(int, JsonNode?)> Apply(RawApi raw, string manager, string yaml, bool force = false) =>
        raw.Send(HttpMethod.Patch, $"{Cm}?fieldManager={manager}{(force ? "&force=true" : "")}", contentType: Yaml, rawBody: yaml);

    [Fact]
    public async Task Apply_creates_the_object_and_records_the_manager_in_managed_fields()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        using var raw = new RawApi(cluster.Url);
        var (code, body) = await Apply(raw, "alice", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  a: \"1\"\n  n: 5\n");
        Assert.Equal(201, code);
        Assert.Equal("1", body!["data"]!["a"]!.GetValue<string>());
        var entry = Assert.Single(body["metadata"]!["managedFields"]!.AsArray());
        Assert.Equal("alice", entry!["manager"]!.GetValue<string>());
        Assert.Equal("Apply", entry["operation"]!.GetValue<string>());
        Assert.NotNull(entry["fieldsV1"]!["f:data"]!["f:a"]);
    }

    [Fact]
    public async Task Reapplying_without_a_field_removes_it_unless_another_manager_owns_it()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        using var raw = new RawApi(cluster.Url);
        await Apply(raw, "alice", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  a: \"1\"\n  b: \"2\"\n  shared: x\n");
        await Apply(raw, "bob", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  shared: x\n");
        var (code, body) = await Apply(raw, "alice", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  a: \"1\"\n");
        Assert.Equal(200, code);
        Assert.Equal("""{"a":"1","shared":"x"}""", body!["data"]!.ToJsonString());
    }

    [Fact]
    public async Task Applying_a_different_value_for_a_field_another_manager_owns_conflicts_unless_forced()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        using var raw = new RawApi(cluster.Url);
        await Apply(raw, "alice", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  a: \"1\"\n");
        var (code, body) = await Apply(raw, "bob", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  a: \"2\"\n");
        Assert.Equal(409, code);
        Assert.Contains("conflict with \"alice\"", body!["message"]!.GetValue<string>());
        Assert.Contains(".data.a", body["message"]!.GetValue<string>());
        (code, body) = await Apply(raw, "bob", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  a: \"2\"\n", force: true);
        Assert.Equal(200, code);
        Assert.Equal("2", body!["data"]!["a"]!.GetValue<string>());
    }

    [Fact]
    public async Task Apply_merges_list_items_by_key_and_keeps_items_of_other_managers()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        using var raw = new RawApi(cluster.Url);
        const string path = "/apis/apps/v1/namespaces/default/deployments/d?fieldManager=";
        const string head = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  selector:\n    matchLabels: {app: d}\n  template:\n    metadata:\n      labels: {app: d}\n    spec:\n      containers:\n";
        Assert.Equal(201, (await raw.Send(HttpMethod.Patch, path + "a", contentType: Yaml, rawBody: head + "      - name: app\n        image: app:1\n")).Code);
        var (code, body) = await raw.Send(HttpMethod.Patch, path + "b", contentType: Yaml, rawBody: head + "      - name: side\n        image: side:1\n");
        Assert.Equal(200, code);
        Assert.Equal(["app", "side"], body!["spec"]!["template"]!["spec"]!["containers"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()));
    }
}
