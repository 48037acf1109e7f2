using System.Text.Json.Nodes;
using Tandem.Emulator.Tests.Support;

namespace Tandem.Emulator.Tests.Core;

public sealed class DeletionTests
{
    private const string Cms = "/api/v1/namespaces/default/configmaps";

    private static JsonObject Owned(string name, JsonNode owner, bool block = false) => new()
    {
        ["metadata"] = new JsonObject
        {
            ["name"] = name,
            ["ownerReferences"] = new JsonArray(new JsonObject
            {
                ["apiVersion"] = "v1", ["kind"] = "ConfigMap", ["name"] = owner["metadata"]!["name"]!.GetValue<string>(),
                ["uid"] = owner["metadata"]!["uid"]!.GetValue<string>(), ["blockOwnerDeletion"] = block,
            }),
        },
    };

    [Fact]
    public async Task Delete_of_an_object_with_finalizers_sets_deletion_timestamp_until_they_are_removed()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        using var raw = new RawApi(cluster.Url);
        await raw.Post(Cms, new JsonObject { ["metadata"] = new JsonObject { ["name"] = "f", ["finalizers"] = new JsonArray("example.com/hold") } });
        var (code, body) = await raw.Delete($"{Cms}/f");
        Assert.Equal(200, code);
        Assert.NotNull(body!["metadata"]!["deletionTimestamp"]);
        var (_, still) = await raw.Get($"{Cms}/f");
        Assert.NotNull(still!["metadata"]!["deletionTimestamp"]);
        var (addCode, _) = await raw.Patch($"{Cms}/f", JsonNode.Parse("""{"metadata":{"finalizers":["example.com/hold","example.com/new"]}}""")!, "application/merge-patch+json");
        Assert.Equal(422, addCode);
        (code, _) = await raw.Patch($"{Cms}/f", JsonNode.Parse("""{"metadata":{"finalizers":null}}""")!, "application/merge-patch+json");
        Assert.Equal(200, code);
        Assert.Equal(404, (await raw.Get($"{Cms}/f")).Code);
    }

    [Fact]
    public async Task Background_deletion_collects_dependents_whose_owner_is_gone()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        using var raw = new RawApi(cluster.Url);
        var (_, owner) = await raw.Post(Cms, Objects.ConfigMap("owner"));
        await raw.Post(Cms, Owned("child", owner!));
        await raw.Delete($"{Cms}/owner");
        await Eventually.True(async () => (await raw.Get($"{Cms}/child")).Code == 404, "the dependent to be collected");
    }

    [Fact]
    public async Task A_dependent_created_after_its_owner_was_deleted_is_collected()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        using var raw = new RawApi(cluster.Url);
        var (_, owner) = await raw.Post(Cms, Objects.ConfigMap("late-owner"));
        await raw.Delete($"{Cms}/late-owner");

        // A controller acting on a stale cache writes a child of the deleted owner.
        await raw.Post(Cms, Owned("late-child", owner!));

        await Eventually.True(async () => (await raw.Get($"{Cms}/late-child")).Code == 404, "the orphaned dependent to be collected");
    }

    [Fact]
    public async Task Foreground_deletion_removes_dependents_before_the_owner()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        using var raw = new RawApi(cluster.Url);
        var (_, owner) = await raw.Post(Cms, Objects.ConfigMap("fowner"));
        await raw.Post(Cms, new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["name"] = "fchild", ["finalizers"] = new JsonArray("example.com/slow"),
                ["ownerReferences"] = Owned("x", owner!, block: true)["metadata"]!["ownerReferences"]!.DeepClone(),
            }
        });
        var (code, body) = await raw.Delete($"{Cms}/fowner", new JsonObject { ["kind"] = "DeleteOptions", ["apiVersion"] = "v1", ["propagationPolicy"] = "Foreground" });
        Assert.Equal(200, code);
        Assert.Contains("foregroundDeletion", body!["metadata"]!["finalizers"]!.AsArray().Select(f => f!.GetValue<string>()));
        await Eventually.True(async () => (await raw.Get($"{Cms}/fchild")).Body?["metadata"]?["deletionTimestamp"] is not null, "the dependent to be deleting");
        Assert.Equal(200, (await raw.Get($"{Cms}/fowner")).Code);
        await raw.Patch($"{Cms}/fchild", JsonNode.Parse("""{"metadata":{"finalizers":null}}""")!, "application/merge-patch+json");
        await Eventually.True(async () => (await raw.Get($"{Cms}/fowner")).Code == 404, "the owner to go after its dependent");
    }

    [Fact]
    public async Task Orphan_deletion_keeps_dependents_and_strips_their_owner_reference()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        using var raw = new RawApi(cluster.Url);
        var (_, owner) = await raw.Post(Cms, Objects.ConfigMap("oowner"));
        await raw.Post(Cms, Owned("ochild", owner!));
        await raw.Delete($"{Cms}/oowner?propagationPolicy=Orphan");
        await Eventually.True(async () => (await raw.Get($"{Cms}/oowner")).Code == 404, "the owner to go");
        var (code, child) = await raw.Get($"{Cms}/ochild");
        Assert.Equal(200, code);
        Assert.Null(child!["metadata"]!["ownerReferences"]);
    }

    [Fact]
    public async Task Namespace_deletion_terminates_then_removes_the_namespace_and_its_content()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        using var raw = new RawApi(cluster.Url);
        await raw.Post("/api/v1/namespaces", new JsonObject { ["metadata"] = new JsonObject { ["name"] = "doomed" } });
        await raw.Post("/api/v1/namespaces/doomed/configmaps", Objects.ConfigMap("x"));
        var (code, body) = await raw.Delete("/api/v1/namespaces/doomed");
        Assert.Equal(200, code);
        Assert.Equal("Terminating", body!["status"]!["phase"]!.GetValue<string>());
        var (createCode, _) = await raw.Post("/api/v1/namespaces/doomed/configmaps", Objects.ConfigMap("late"));
        Assert.True(createCode is 403 or 404, $"create in a terminating namespace answered {createCode}");
        await Eventually.True(async () => (await raw.Get("/api/v1/namespaces/doomed")).Code == 404, "the namespace to go");
        Assert.Equal(404, (await raw.Get("/api/v1/namespaces/doomed/configmaps/x")).Code);
    }

    [Fact]
    public async Task Immediate_delete_of_a_configmap_answers_a_success_status()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        using var raw = new RawApi(cluster.Url);
        await raw.Post(Cms, Objects.ConfigMap("gone"));
        var (code, body) = await raw.Delete($"{Cms}/gone");
        Assert.Equal(200, code);
        Assert.Equal("Success", body!["status"]!.GetValue<string>());
        Assert.Equal(404, (await raw.Delete($"{Cms}/gone")).Code);
    }
}
