using System.Text.Json.Nodes;
using Tandem.Emulator.Tests.Support;

namespace Tandem.Emulator.Tests.Core;

public sealed class ListTests
{
    private static async Task<RawApi> Seeded(EmulatedCluster cluster)
    {
        var raw = new RawApi(cluster.Url);
        await raw.Post("/api/v1/namespaces/default/configmaps", Objects.ConfigMap("a", new() { ["app"] = "web", ["tier"] = "front" }));
        await raw.Post("/api/v1/namespaces/default/configmaps", Objects.ConfigMap("b", new() { ["app"] = "web", ["tier"] = "back" }));
        await raw.Post("/api/v1/namespaces/default/configmaps", Objects.ConfigMap("c", new() { ["app"] = "db" }));
        await raw.Post("/api/v1/namespaces/default/configmaps", Objects.ConfigMap("d"));
        return raw;
    }

    private static async Task<string[]> Names(RawApi raw, string query)
    {
        var (code, body) = await raw.Get("/api/v1/namespaces/default/configmaps?" + query);
        Assert.Equal(200, code);
        return [.. body!["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>())];
    }

    [Theory]
    [InlineData("labelSelector=app%3Dweb", "a,b")]
    [InlineData("labelSelector=app%3D%3Dweb", "a,b")]
    [InlineData("labelSelector=app!%3Dweb", "c,d")]
    [InlineData("labelSelector=app%20in%20(web,db)", "a,b,c")]
    [InlineData("labelSelector=app%20notin%20(web)", "c,d")]
    [InlineData("labelSelector=tier", "a,b")]
    [InlineData("labelSelector=!tier", "c,d")]
    [InlineData("labelSelector=app%3Dweb,tier%3Dback", "b")]
    [InlineData("fieldSelector=metadata.name%3Dc", "c")]
    [InlineData("fieldSelector=metadata.name!%3Dc", "a,b,d")]
    [InlineData("fieldSelector=metadata.namespace%3Ddefault&labelSelector=app%3Ddb", "c")]
    public async Task List_filters_by_label_and_field_selectors(string query, string expected)
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        using var raw = await Seeded(cluster);
        Assert.Equal(expected.Split(','), await Names(raw, query));
    }

    [Fact]
    public async Task Unsupported_field_selector_is_rejected_naming_the_field()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        using var raw = new RawApi(cluster.Url);
        var (code, body) = await raw.Get("/api/v1/namespaces/default/configmaps?fieldSelector=data.k%3Dv");
        Assert.Equal(400, code);
        Assert.Contains("data.k", body!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task List_pages_with_limit_and_continue_until_every_item_is_seen_once()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        using var raw = await Seeded(cluster);
        var seen = new List<string>();
        string? token = null;
        int pages = 0;
        do
        {
            var (code, body) = await raw.Get("/api/v1/namespaces/default/configmaps?limit=3" + (token is null ? "" : "&continue=" + Uri.EscapeDataString(token)));
            Assert.Equal(200, code);
            seen.AddRange(body!["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>()));
            token = body["metadata"]!["continue"]?.GetValue<string>();
            if (token is not null) Assert.Equal(1, body["metadata"]!["remainingItemCount"]!.GetValue<long>());
            pages++;
        } while (token is not null && pages < 10);
        Assert.Equal(2, pages);
        Assert.Equal(new[] { "a", "b", "c", "d" }, seen);
    }

    [Fact]
    public async Task Continue_token_from_before_compaction_gets_410_Gone()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        using var raw = await Seeded(cluster);
        var (_, body) = await raw.Get("/api/v1/namespaces/default/configmaps?limit=1");
        var token = body!["metadata"]!["continue"]!.GetValue<string>();
        await raw.Post("/api/v1/namespaces/default/configmaps", Objects.ConfigMap("later"));
        cluster.CompactHistory();
        var (code, status) = await raw.Get("/api/v1/namespaces/default/configmaps?limit=1&continue=" + Uri.EscapeDataString(token));
        Assert.Equal(410, code);
        Assert.Equal("Expired", status!["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task All_namespaces_list_spans_namespaces_and_list_carries_kind_and_resource_version()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        using var raw = new RawApi(cluster.Url);
        await raw.Post("/api/v1/namespaces", new JsonObject { ["metadata"] = new JsonObject { ["name"] = "other" } });
        await raw.Post("/api/v1/namespaces/default/configmaps", Objects.ConfigMap("x"));
        await raw.Post("/api/v1/namespaces/other/configmaps", Objects.ConfigMap("x"));
        var (code, body) = await raw.Get("/api/v1/configmaps");
        Assert.Equal(200, code);
        Assert.Equal("ConfigMapList", body!["kind"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(body["metadata"]!["resourceVersion"]!.GetValue<string>()));
        Assert.Equal(2, body["items"]!.AsArray().Count(i => i!["metadata"]!["name"]!.GetValue<string>() == "x"));
    }
}
