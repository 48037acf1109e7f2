using System.Text.Json.Nodes;
using Tandem.Emulator.Http;
using Tandem.Emulator.Kubelet;
using Tandem.Emulator.Patching;
using Tandem.Emulator.Selectors;

namespace Tandem.Emulator.Tests.Core;

/// <summary>The pure pieces underneath the HTTP API: path parsing, selectors, JSONPath, scheduling, patches, ages.</summary>
public sealed class PureLogicTests
{
    [Theory]
    [InlineData("/api/v1/namespaces/ns/pods/p/status", ApiPathKind.Resource, "", "ns", "pods", "p", "status")]
    [InlineData("/api/v1/namespaces/ns", ApiPathKind.Resource, "", null, "namespaces", "ns", "")]
    [InlineData("/api/v1/namespaces/ns/status", ApiPathKind.Resource, "", null, "namespaces", "ns", "status")]
    [InlineData("/apis/apps/v1/deployments", ApiPathKind.Resource, "apps", null, "deployments", null, "")]
    [InlineData("/apis/x.dev/v1/namespaces/a/things/b/scale", ApiPathKind.Resource, "x.dev", "a", "things", "b", "scale")]
    [InlineData("/apis/apps/v1", ApiPathKind.ResourceList, "apps", null, "", null, "")]
    [InlineData("/readyz", ApiPathKind.Health, "", null, "", null, "")]
    public void Api_paths_parse_into_group_namespace_resource_name_and_subresource(string path, ApiPathKind kind, string group, string? ns, string resource, string? name, string sub)
    {
        var p = ApiPath.Parse(path);
        Assert.Equal((kind, group, ns, resource, name, sub), (p.Kind, p.Group, p.Namespace, p.Resource, p.Name, p.Subresource));
    }

    [Fact]
    public void Legacy_watch_paths_are_recognised()
    {
        var p = ApiPath.Parse("/api/v1/watch/namespaces/ns/pods/p");
        Assert.True(p.LegacyWatch);
        Assert.Equal(("ns", "pods", "p"), (p.Namespace, p.Resource, p.Name));
    }

    [Fact]
    public void Label_selector_objects_render_to_the_query_form_and_match_the_same_labels()
    {
        var obj = JsonNode.Parse("""{"matchLabels":{"app":"web"},"matchExpressions":[{"key":"tier","operator":"In","values":["a","b"]},{"key":"old","operator":"DoesNotExist"}]}""")!.AsObject();
        var text = LabelSelector.FromObject(obj);
        Assert.Equal("app=web,tier in (a,b),!old", text);
        var sel = LabelSelector.Parse(text);
        Assert.True(sel.Matches(new Dictionary<string, string> { ["app"] = "web", ["tier"] = "b" }));
        Assert.False(sel.Matches(new Dictionary<string, string> { ["app"] = "web", ["tier"] = "b", ["old"] = "1" }));
    }

    [Theory]
    [InlineData(".spec.replicas", "3")]
    [InlineData(".status.conditions[?(@.type==\"Ready\")].status", "\"True\"")]
    [InlineData(".spec.items[1]", "\"b\"")]
    [InlineData(".spec.items[*]", "\"a,b\"")]
    [InlineData(".spec.missing", null)]
    public void Printer_column_json_paths_evaluate_like_kubectl(string path, string? expected)
    {
        var obj = JsonNode.Parse("""{"spec":{"replicas":3,"items":["a","b"]},"status":{"conditions":[{"type":"Other","status":"False"},{"type":"Ready","status":"True"}]}}""");
        Assert.Equal(expected, SimpleJsonPath.Evaluate(obj, path)?.ToJsonString());
    }

    [Fact]
    public void Scheduler_picks_the_first_node_with_enough_free_gpus_and_explains_a_miss()
    {
        var nodes = new[] { VirtualNodes.Node("node-0", 4, "t"), VirtualNodes.Node("node-1", 8, "t") };
        JsonObject Pod(int gpus, string? node = null)
        {
            var pod = new JsonObject
            {
                ["spec"] = new JsonObject
                {
                    ["containers"] = new JsonArray(new JsonObject
                    {
                        ["name"] = "c",
                        ["resources"] = new JsonObject { ["limits"] = new JsonObject { ["nvidia.com/gpu"] = gpus.ToString() } },
                    }),
                },
                ["status"] = new JsonObject { ["phase"] = "Running" },
            };
            if (node is not null) pod["spec"]!["nodeName"] = node;
            return pod;
        }
        Assert.Equal("node-0", PodScheduler.Choose(Pod(4), nodes, []).Node);
        Assert.Equal("node-1", PodScheduler.Choose(Pod(2), nodes, [Pod(3, "node-0")]).Node);
        var miss = PodScheduler.Choose(Pod(6), nodes, [Pod(4, "node-1")]);
        Assert.Null(miss.Node);
        Assert.Equal("0/2 nodes are available: 2 Insufficient nvidia.com/gpu.", miss.Message);
    }

    [Fact]
    public void Strategic_merge_patch_unions_finalizers_and_replaces_atomic_lists()
    {
        var obj = JsonNode.Parse("""{"metadata":{"finalizers":["a"]},"spec":{"tolerations":[{"key":"x"}],"containers":[{"name":"c","image":"1"}]}}""")!.AsObject();
        var patch = JsonNode.Parse("""{"metadata":{"finalizers":["b"]},"spec":{"tolerations":[{"key":"y"}],"containers":[{"name":"c","image":"2"}]}}""")!.AsObject();
        var result = StrategicMergePatch.Apply(obj, patch);
        Assert.Equal("""["a","b"]""", result["metadata"]!["finalizers"]!.ToJsonString());
        Assert.Equal("""[{"key":"y"}]""", result["spec"]!["tolerations"]!.ToJsonString());
        Assert.Equal("""[{"name":"c","image":"2"}]""", result["spec"]!["containers"]!.ToJsonString());
    }

    [Theory]
    [InlineData(45, "45s")]
    [InlineData(200, "3m20s")]
    [InlineData(3600, "60m")]
    [InlineData(5 * 3600 + 60, "5h1m")]
    [InlineData(30 * 3600, "30h")]
    [InlineData(3 * 86400, "3d")]
    [InlineData(400 * 86400, "400d")]
    public void Ages_are_printed_in_kubernetes_short_form(int seconds, string expected) =>
        Assert.Equal(expected, TableConverter.HumanDuration(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void Yaml_scalars_get_core_schema_types()
    {
        var node = Tandem.Api.Serialization.YamlJson.ParseAll("a: 1\nb: \"1\"\nc: true\nd: 1.5\ne: null\nf: hello\ng: '0x1'\n").Single();
        Assert.Equal("""{"a":1,"b":"1","c":true,"d":1.5,"e":null,"f":"hello","g":"0x1"}""", node.ToJsonString());
    }
}
