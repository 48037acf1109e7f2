using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Tandem.Emulator.Tests.Support;

namespace Tandem.Emulator.Tests.Core;

/// <summary>Fault injection driven over HTTP from outside the emulator (<c>/_emulator/faults</c>), as another process would.</summary>
public sealed class FaultAdminEndpointTests
{
    private const string Cms = "/api/v1/namespaces/default/configmaps";
    private const string Faults = "/_emulator/faults";

    [Fact]
    public async Task A_429_rule_by_verb_and_resource_answers_with_its_retry_after_count_times()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        using var raw = new RawApi(cluster.Url);
        using var http = new HttpClient { BaseAddress = cluster.Url };
        await raw.Post(Cms, Objects.ConfigMap("a"));

        var (code, rule) = await raw.Post(Faults, new JsonObject { ["verb"] = "list", ["resource"] = "configmaps", ["status"] = 429, ["retryAfterSeconds"] = 3, ["count"] = 2 });
        Assert.Equal(201, code);

        using var first = await http.GetAsync(Cms);
        Assert.Equal(429, (int)first.StatusCode);
        Assert.Equal("3", first.Headers.GetValues("Retry-After").Single());
        Assert.Equal(200, (await raw.Get(Cms + "/a")).Code); // a get, not a list
        Assert.Equal(200, (await raw.Get("/api/v1/namespaces")).Code); // another resource
        Assert.Equal(429, (await raw.Get(Cms)).Code);
        Assert.Equal(200, (await raw.Get(Cms)).Code); // count spent: the rule is gone
        var (_, state) = await raw.Get(Faults);
        Assert.Empty(state!["rules"]!.AsArray());
        Assert.Equal(1, rule!["id"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_percentage_rule_fails_about_that_share_and_counts_what_it_fired()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        using var raw = new RawApi(cluster.Url);
        await raw.Post(Faults, new JsonObject { ["method"] = "GET", ["pathContains"] = "/configmaps", ["status"] = 500, ["percent"] = 50 });

        var failed = 0;
        for (var i = 0; i < 200; i++)
        {
            failed += (await raw.Get(Cms)).Code == 500 ? 1 : 0;
        }

        var (_, state) = await raw.Get(Faults);
        Assert.InRange(failed, 50, 150); // binomial(200, 0.5): outside this range about once in 10^12 runs
        Assert.Equal(failed, state!["rules"]![0]!["fired"]!.GetValue<int>());
        Assert.Equal(200, (await raw.Delete(Faults)).Code);
        Assert.Equal(200, (await raw.Get(Cms)).Code);
    }

    [Fact]
    public async Task A_slow_rule_delays_only_matching_requests_on_the_cluster_clock()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
        await using var cluster = await EmulatedCluster.StartAsync(new EmulatedClusterOptions { TimeProvider = time });
        using var raw = new RawApi(cluster.Url);
        await raw.Post(Faults, new JsonObject { ["verb"] = "create", ["resource"] = "configmaps", ["delayMilliseconds"] = 4000 });

        Assert.Equal(200, (await raw.Get(Cms)).Code); // a list is not slowed
        var pending = raw.Post(Cms, Objects.ConfigMap("slow"));
        await Eventually.True(() => { time.Advance(TimeSpan.FromSeconds(1)); return pending.IsCompleted; }, "the delayed create");
        Assert.Equal(201, (await pending).Code);
        Assert.True(time.GetUtcNow() >= DateTimeOffset.Parse("2026-01-01T00:00:04Z"));
    }

    [Fact]
    public async Task Drop_watches_ends_open_watches_and_compact_makes_their_resume_410_gone()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        using var raw = new RawApi(cluster.Url);
        var (_, created) = await raw.Post(Cms, Objects.ConfigMap("before"));
        var version = created!["metadata"]!["resourceVersion"]!.GetValue<string>();
        using var watch = await raw.Watch($"{Cms}?watch=true&resourceVersion={version}");

        Assert.Equal(200, (await raw.Send(HttpMethod.Post, Faults + "/drop-watches")).Code);
        Assert.Null(await watch.Next());
        await raw.Post(Cms, Objects.ConfigMap("after"));
        var (_, state) = await raw.Send(HttpMethod.Post, Faults + "/compact");
        using var resumed = await raw.Watch($"{Cms}?watch=true&resourceVersion={version}");
        var e = await resumed.Next();

        Assert.Equal(410, e!["object"]!["code"]!.GetValue<int>());
        Assert.Equal(1, state!["droppedWatches"]!.GetValue<int>());
        Assert.Equal(1, state["compactions"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("{\"verb\":\"explode\",\"status\":500}", "verb")]
    [InlineData("{\"status\":200}", "status")]
    [InlineData("{\"status\":500,\"percent\":0}", "percent")]
    [InlineData("{\"status\":500,\"retryAfterSeconds\":2}", "retryAfterSeconds")]
    [InlineData("{\"resource\":\"pods\"}", "status")]
    [InlineData("{\"status\":500,\"resorce\":\"pods\"}", "resorce")]
    public async Task A_bad_rule_is_refused_naming_the_field(string body, string field)
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        using var raw = new RawApi(cluster.Url);

        var (code, status) = await raw.Send(HttpMethod.Post, Faults, rawBody: body);

        Assert.Equal(400, code);
        Assert.StartsWith(field + ":", status!["message"]!.GetValue<string>());
        Assert.Empty((await raw.Get(Faults)).Body!["rules"]!.AsArray());
    }
}
