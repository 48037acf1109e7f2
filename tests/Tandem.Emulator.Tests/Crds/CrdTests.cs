using System.Text.Json.Nodes;
using Tandem.Emulator.Tests.Support;

namespace Tandem.Emulator.Tests.Crds;

public sealed class CrdTests
{
    private const string CrdsPath = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";

    private static async Task<RawApi> WithWidgetCrd(EmulatedCluster cluster)
    {
        var raw = new RawApi(cluster.Url);
        var (code, body) = await raw.Post(CrdsPath, TestCrds.WidgetCrd());
        Assert.True(code == 201, body?.ToJsonString());
        return raw;
    }

    [Fact]
    public async Task Created_crd_is_established_and_its_resource_appears_in_discovery_with_names_and_subresources()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        using var raw = await WithWidgetCrd(cluster);
        var (_, crd) = await raw.Get($"{CrdsPath}/widgets.test.tandem.dev");
        Assert.Contains(crd!["status"]!["conditions"]!.AsArray(), c => c!["type"]!.GetValue<string>() == "Established" && c["status"]!.GetValue<string>() == "True");
        var (_, groups) = await raw.Get("/apis");
        Assert.Contains(groups!["groups"]!.AsArray(), g => g!["name"]!.GetValue<string>() == "test.tandem.dev");
        var (code, resources) = await raw.Get("/apis/test.tandem.dev/v1");
        Assert.Equal(200, code);
        var list = resources!["resources"]!.AsArray();
        var widgets = list.Single(r => r!["name"]!.GetValue<string>() == "widgets")!;
        Assert.Equal("wd", widgets["shortNames"]![0]!.GetValue<string>());
        Assert.Equal("tandem", widgets["categories"]![0]!.GetValue<string>());
        Assert.Contains(list, r => r!["name"]!.GetValue<string>() == "widgets/status");
        Assert.Contains(list, r => r!["name"]!.GetValue<string>() == "widgets/scale");
    }

    [Fact]
    public async Task Custom_resources_support_crud_status_subresource_and_generation()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        using var raw = await WithWidgetCrd(cluster);
        var w = TestCrds.Widget("w1");
        w["status"] = new JsonObject { ["replicas"] = 9 };
        var (code, created) = await raw.Post(TestCrds.WidgetsPath, w);
        Assert.Equal(201, code);
        Assert.Null(created!["status"]);
        var (_, st) = await raw.Patch($"{TestCrds.WidgetsPath}/w1/status", JsonNode.Parse("""{"status":{"replicas":1,"selector":"app=w1"}}""")!, "application/merge-patch+json");
        Assert.Equal(1, st!["status"]!["replicas"]!.GetValue<int>());
        Assert.Equal(1, st["metadata"]!["generation"]!.GetValue<int>());
        var (_, spec) = await raw.Patch($"{TestCrds.WidgetsPath}/w1", JsonNode.Parse("""{"spec":{"size":"large"},"status":{"replicas":5}}""")!, "application/merge-patch+json");
        Assert.Equal(2, spec!["metadata"]!["generation"]!.GetValue<int>());
        Assert.Equal(1, spec["status"]!["replicas"]!.GetValue<int>());
    }

    [Fact]
    public async Task Scale_subresource_maps_the_crd_replica_and_selector_paths()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        using var raw = await WithWidgetCrd(cluster);
        await raw.Post(TestCrds.WidgetsPath, TestCrds.Widget("s1", replicas: 2));
        await raw.Patch($"{TestCrds.WidgetsPath}/s1/status", JsonNode.Parse("""{"status":{"replicas":2,"selector":"app=s1"}}""")!, "application/merge-patch+json");
        var (_, scale) = await raw.Get($"{TestCrds.WidgetsPath}/s1/scale");
        Assert.Equal(2, scale!["spec"]!["replicas"]!.GetValue<int>());
        Assert.Equal("app=s1", scale["status"]!["selector"]!.GetValue<string>());
        scale["spec"]!["replicas"] = 4;
        var (code, _) = await raw.Put($"{TestCrds.WidgetsPath}/s1/scale", scale);
        Assert.Equal(200, code);
        var (_, w) = await raw.Get($"{TestCrds.WidgetsPath}/s1");
        Assert.Equal(4, w!["spec"]!["replicas"]!.GetValue<int>());
    }

    [Fact]
    public async Task Table_request_returns_the_crd_printer_columns()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        using var raw = await WithWidgetCrd(cluster);
        await raw.Post(TestCrds.WidgetsPath, TestCrds.Widget("t1", replicas: 3));
        await raw.Patch($"{TestCrds.WidgetsPath}/t1/status", JsonNode.Parse("""{"status":{"conditions":[{"type":"Ready","status":"True"}]}}""")!, "application/merge-patch+json");
        var (code, table) = await raw.Get(TestCrds.WidgetsPath, accept: "application/json;as=Table;v=v1;g=meta.k8s.io,application/json");
        Assert.Equal(200, code);
        Assert.Equal("Table", table!["kind"]!.GetValue<string>());
        Assert.Equal(["Name", "Desired", "Ready", "Age"], table["columnDefinitions"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()));
        var cells = table["rows"]![0]!["cells"]!.AsArray();
        Assert.Equal("t1", cells[0]!.GetValue<string>());
        Assert.Equal(3, cells[1]!.GetValue<int>());
        Assert.Equal("True", cells[2]!.GetValue<string>());
    }

    [Fact]
    public async Task Strategic_merge_patch_on_a_custom_resource_is_unsupported_media_type()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        using var raw = await WithWidgetCrd(cluster);
        await raw.Post(TestCrds.WidgetsPath, TestCrds.Widget("smp"));
        Assert.Equal(415, (await raw.Patch($"{TestCrds.WidgetsPath}/smp", JsonNode.Parse("""{"spec":{"size":"large"}}""")!, "application/strategic-merge-patch+json")).Code);
    }

    [Fact]
    public async Task Deleting_the_crd_removes_its_custom_resources_and_its_api()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        using var raw = await WithWidgetCrd(cluster);
        await raw.Post(TestCrds.WidgetsPath, TestCrds.Widget("d1"));
        await raw.Delete($"{CrdsPath}/widgets.test.tandem.dev");
        await Eventually.True(async () => (await raw.Get($"{CrdsPath}/widgets.test.tandem.dev")).Code == 404, "the CRD to go");
        Assert.Equal(404, (await raw.Get("/apis/test.tandem.dev/v1")).Code);
        await raw.Post(CrdsPath, TestCrds.WidgetCrd());
        var (_, list) = await raw.Get(TestCrds.WidgetsPath);
        Assert.Empty(list!["items"]!.AsArray());
    }

    [Fact]
    public async Task Crd_with_a_name_not_matching_plural_and_group_is_rejected_naming_the_field()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        using var raw = new RawApi(cluster.Url);
        var crd = TestCrds.WidgetCrd();
        crd["metadata"]!["name"] = "wrong.test.tandem.dev";
        var (code, body) = await raw.Post(CrdsPath, crd);
        Assert.Equal(422, code);
        Assert.Contains("metadata.name", body!["message"]!.GetValue<string>());
    }

    private static Task<(int, JsonNode?)> ApplyWidget(RawApi raw, string manager, string spec, bool force = false) =>
        raw.Send(HttpMethod.Patch, $"{TestCrds.WidgetsPath}/ap?fieldManager={manager}{(force ? "&force=true" : "")}", contentType: "application/apply-patch+yaml",
            rawBody: $"apiVersion: test.tandem.dev/v1\nkind: Widget\nmetadata:\n  name: ap\nspec:\n  size: small\n{spec}");

    [Fact]
    public async Task Server_side_apply_follows_the_crd_list_types_set_items_are_shared_and_atomic_lists_conflict()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        using var raw = await WithWidgetCrd(cluster);
        Assert.Equal(201, (await ApplyWidget(raw, "alice", "  tags: [a]\n  slots: [{n: 1}]\n")).Item1);
        var (code, body) = await ApplyWidget(raw, "bob", "  tags: [b]\n");
        Assert.Equal(200, code);
        Assert.Equal("""["a","b"]""", body!["spec"]!["tags"]!.ToJsonString());
        (code, body) = await ApplyWidget(raw, "bob", "  tags: [b]\n  slots: [{n: 2}]\n");
        Assert.Equal(409, code);
        Assert.Contains(".spec.slots", body!["message"]!.GetValue<string>());
        (code, body) = await ApplyWidget(raw, "bob", "  tags: [b]\n  slots: [{n: 2}]\n", force: true);
        Assert.Equal(200, code);
        Assert.Equal("""[{"n":2}]""", body!["spec"]!["slots"]!.ToJsonString());
        (code, body) = await ApplyWidget(raw, "alice", "");
        Assert.Equal(200, code);
        Assert.Equal("""["b"]""", body!["spec"]!["tags"]!.ToJsonString());
    }
}
