using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Tandem.Emulator.Tests.Support;

namespace Tandem.Emulator.Tests.Core;

public sealed class CrudTests
{
    [Fact]
    public async Task Started_cluster_listens_on_loopback_and_serves_version_and_core_discovery()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        Assert.True(System.Net.IPAddress.IsLoopback(System.Net.IPAddress.Parse(cluster.Url.Host)));
        var client = cluster.CreateClient();
        var version = await client.Version.GetCodeAsync();
        Assert.Equal("1", version.Major);
        var core = await client.CoreV1.GetAPIResourcesAsync();
        var pods = Assert.Single(core.Resources, r => r.Name == "pods");
        Assert.Contains("watch", pods.Verbs);
        Assert.Contains("po", pods.ShortNames);
        Assert.Contains(core.Resources, r => r.Name == "pods/status");
        var groups = await client.Apis.GetAPIVersionsAsync();
        Assert.Contains(groups.Groups, g => g.Name == "apps");
        Assert.Contains(groups.Groups, g => g.Name == "coordination.k8s.io");
    }

    [Fact]
    public async Task Create_then_get_returns_the_object_with_uid_generation_and_resource_version()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        var client = cluster.CreateClient();
        var created = await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new() { Name = "a" }, Data = new Dictionary<string, string> { ["x"] = "1" } }, "default");
        Assert.False(string.IsNullOrEmpty(created.Metadata.Uid));
        Assert.NotNull(created.Metadata.CreationTimestamp);
        var got = await client.CoreV1.ReadNamespacedConfigMapAsync("a", "default");
        Assert.Equal(created.Metadata.ResourceVersion, got.Metadata.ResourceVersion);
        Assert.Equal("1", got.Data["x"]);
    }

    [Fact]
    public async Task Resource_versions_increase_monotonically_across_writes()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        var client = cluster.CreateClient();
        var rvs = new List<long>();
        for (int i = 0; i < 5; i++)
        {
            var cm = await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new() { Name = $"c{i}" } }, "default");
            rvs.Add(long.Parse(cm.Metadata.ResourceVersion));
            cm.Data = new Dictionary<string, string> { ["i"] = i.ToString() };
            var updated = await client.CoreV1.ReplaceNamespacedConfigMapAsync(cm, $"c{i}", "default");
            rvs.Add(long.Parse(updated.Metadata.ResourceVersion));
        }
        Assert.Equal(rvs.OrderBy(x => x), rvs);
        Assert.Equal(rvs.Count, rvs.Distinct().Count());
    }

    [Fact]
    public async Task Creating_an_existing_object_fails_with_an_AlreadyExists_status()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        using var raw = new RawApi(cluster.Url);
        Assert.Equal(201, (await raw.Post("/api/v1/namespaces/default/configmaps", Objects.ConfigMap("dup"))).Code);
        var (code, body) = await raw.Post("/api/v1/namespaces/default/configmaps", Objects.ConfigMap("dup"));
        Assert.Equal(409, code);
        Assert.Equal("Status", body!["kind"]!.GetValue<string>());
        Assert.Equal("AlreadyExists", body["reason"]!.GetValue<string>());
        Assert.Equal("configmaps \"dup\" already exists", body["message"]!.GetValue<string>());
        Assert.Equal("dup", body["details"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Reading_a_missing_object_fails_with_a_NotFound_status_through_the_client()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        var client = cluster.CreateClient();
        var e = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ReadNamespacedConfigMapAsync("nope", "default"));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, e.Response.StatusCode);
        var status = JsonNode.Parse(e.Response.Content)!;
        Assert.Equal("NotFound", status["reason"]!.GetValue<string>());
        Assert.Equal(404, status["code"]!.GetValue<int>());
    }

    [Fact]
    public async Task Update_with_a_stale_resource_version_fails_with_409_Conflict()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        var client = cluster.CreateClient();
        var first = await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new() { Name = "c" } }, "default");
        var stale = first.Metadata.ResourceVersion;
        first.Data = new Dictionary<string, string> { ["a"] = "1" };
        await client.CoreV1.ReplaceNamespacedConfigMapAsync(first, "c", "default");
        first.Metadata.ResourceVersion = stale;
        first.Data["a"] = "2";
        var e = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ReplaceNamespacedConfigMapAsync(first, "c", "default"));
        Assert.Equal(System.Net.HttpStatusCode.Conflict, e.Response.StatusCode);
        Assert.Contains("the object has been modified", e.Response.Content);
        Assert.Equal("Conflict", JsonNode.Parse(e.Response.Content)!["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Generation_bumps_on_spec_changes_only_and_main_endpoint_ignores_status()
    {
        // A StatefulSet: it has spec and a status subresource, and no emulated controller writes its status.
        await using var cluster = await EmulatedCluster.StartAsync();
        var client = cluster.CreateClient();
        var json = Objects.Deployment("web");
        json["kind"] = "StatefulSet";
        var d = await client.AppsV1.CreateNamespacedStatefulSetAsync(KubernetesJson.Deserialize<V1StatefulSet>(json.ToJsonString()), "default");
        Assert.Equal(1, d.Metadata.Generation);
        d.Metadata.Labels = new Dictionary<string, string> { ["tier"] = "front" };
        d.Status = new V1StatefulSetStatus { Replicas = 7 };
        d = await client.AppsV1.ReplaceNamespacedStatefulSetAsync(d, "web", "default");
        Assert.Equal(1, d.Metadata.Generation);
        Assert.NotEqual(7, d.Status?.Replicas);
        d.Spec.Replicas = 3;
        d = await client.AppsV1.ReplaceNamespacedStatefulSetAsync(d, "web", "default");
        Assert.Equal(2, d.Metadata.Generation);
        d.Status = new V1StatefulSetStatus { Replicas = 3, ObservedGeneration = 2 };
        d.Spec.Replicas = 9;
        d = await client.AppsV1.ReplaceNamespacedStatefulSetStatusAsync(d, "web", "default");
        Assert.Equal(2, d.Metadata.Generation);
        Assert.Equal(3, d.Spec.Replicas);
        Assert.Equal(3, d.Status.Replicas);
    }

    [Fact]
    public async Task An_update_that_changes_nothing_keeps_the_resource_version()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        var client = cluster.CreateClient();
        var cm = await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new() { Name = "same" } }, "default");
        var again = await client.CoreV1.ReplaceNamespacedConfigMapAsync(cm, "same", "default");
        Assert.Equal(cm.Metadata.ResourceVersion, again.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task Generate_name_creates_a_unique_name_with_the_prefix()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        using var raw = new RawApi(cluster.Url);
        var (code, body) = await raw.Post("/api/v1/namespaces/default/configmaps", new JsonObject { ["metadata"] = new JsonObject { ["generateName"] = "gen-" } });
        Assert.Equal(201, code);
        Assert.Matches("^gen-[a-z0-9]{5}$", body!["metadata"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Invalid_names_are_rejected_with_a_message_naming_metadata_name()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        using var raw = new RawApi(cluster.Url);
        var (code, body) = await raw.Post("/api/v1/namespaces/default/configmaps", Objects.ConfigMap("Bad_Name"));
        Assert.Equal(422, code);
        Assert.Contains("metadata.name", body!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Creating_in_a_missing_namespace_fails_with_NotFound()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        using var raw = new RawApi(cluster.Url);
        var (code, body) = await raw.Post("/api/v1/namespaces/ghost/configmaps", Objects.ConfigMap("x"));
        Assert.Equal(404, code);
        Assert.Equal("namespaces \"ghost\" not found", body!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Dry_run_create_and_delete_change_nothing()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        using var raw = new RawApi(cluster.Url);
        var (code, body) = await raw.Post("/api/v1/namespaces/default/configmaps?dryRun=All", Objects.ConfigMap("dry"));
        Assert.Equal(201, code);
        Assert.Equal("dry", body!["metadata"]!["name"]!.GetValue<string>());
        Assert.Equal(404, (await raw.Get("/api/v1/namespaces/default/configmaps/dry")).Code);
        await raw.Post("/api/v1/namespaces/default/configmaps", Objects.ConfigMap("real"));
        Assert.Equal(200, (await raw.Delete("/api/v1/namespaces/default/configmaps/real?dryRun=All")).Code);
        Assert.Equal(200, (await raw.Get("/api/v1/namespaces/default/configmaps/real")).Code);
    }
}
