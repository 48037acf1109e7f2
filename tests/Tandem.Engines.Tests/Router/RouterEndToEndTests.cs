using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Tandem.Engines.Clients;
using Tandem.Engines.Contract;
using Tandem.Engines.Contract.V1;
using Tandem.Engines.Load;
using Tandem.Engines.Mock;
using Tandem.Engines.OpenAi;
using Tandem.Engines.Router;
using Tandem.Scaling.Lifecycle;
using State = Tandem.Scaling.Lifecycle.InstanceState;

namespace Tandem.Engines.Tests.Router;

public sealed class RouterEndToEndTests
{
    private static readonly ControlClientOptions Quick = new() { MaxRetries = 2, BaseBackoff = TimeSpan.FromMilliseconds(5) };

    [Fact]
    public async Task Prefill_then_decode_instance_serve_a_streamed_request_through_the_router()
    {
        await using var prefill = await MockEngineServer.StartAsync(TestProfiles.Engine(InstanceRole.Prefill));
        await using var decode = await MockEngineServer.StartAsync(TestProfiles.Engine(InstanceRole.Decode));
        await using var router = await StartRouter(SelectionPolicy.RoundRobin, Member("p", prefill, InstanceRole.Prefill), Member("d", decode, InstanceRole.Decode));

        var result = await Stream(router, PromptTokens.Build(200), 20);

        Assert.True(result.Ok, result.Error);
        Assert.Equal(20, result.TokenTimes.Count);
        Assert.Equal(1, prefill.Engine.AdmittedRequests);
        Assert.Equal(1, decode.Engine.AdmittedRequests);
    }

    [Fact]
    public async Task Non_streaming_request_gets_one_body_with_usage()
    {
        await using var prefill = await MockEngineServer.StartAsync(TestProfiles.Engine(InstanceRole.Prefill));
        await using var decode = await MockEngineServer.StartAsync(TestProfiles.Engine(InstanceRole.Decode));
        await using var router = await StartRouter(SelectionPolicy.RoundRobin, Member("p", prefill, InstanceRole.Prefill), Member("d", decode, InstanceRole.Decode));
        using var http = new HttpClient();

        var response = await http.PostAsync(new Uri(router.HttpUri, "v1/completions"), Json("""{"prompt":"a b c","max_tokens":4}"""));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(" t0 t1 t2 t3", body["choices"]![0]!["text"]!.GetValue<string>());
        Assert.Equal(3, body["usage"]!["prompt_tokens"]!.GetValue<int>());
        Assert.Equal(4, body["usage"]!["completion_tokens"]!.GetValue<int>());
    }

    [Fact]
    public async Task Round_robin_spreads_prefill_legs_evenly_over_three_instances()
    {
        await using var p1 = await MockEngineServer.StartAsync(TestProfiles.Engine(InstanceRole.Prefill));
        await using var p2 = await MockEngineServer.StartAsync(TestProfiles.Engine(InstanceRole.Prefill));
        await using var p3 = await MockEngineServer.StartAsync(TestProfiles.Engine(InstanceRole.Prefill));
        await using var d = await MockEngineServer.StartAsync(TestProfiles.Engine(InstanceRole.Decode));
        await using var router = await StartRouter(SelectionPolicy.RoundRobin,
            Member("p1", p1, InstanceRole.Prefill), Member("p2", p2, InstanceRole.Prefill), Member("p3", p3, InstanceRole.Prefill), Member("d", d, InstanceRole.Decode));

        for (var i = 0; i < 6; i++)
        {
            Assert.True((await Stream(router, PromptTokens.Build(10, "r" + i), 2)).Ok);
        }

        Assert.Equal([2L, 2L, 2L], new[] { p1, p2, p3 }.Select(e => e.Engine.AdmittedRequests));
        Assert.Equal(6, d.Engine.AdmittedRequests);
    }

    [Fact]
    public async Task Plain_engine_with_both_roles_serves_the_whole_request()
    {
        await using var both = await MockEngineServer.StartAsync(TestProfiles.Engine());
        await using var router = await StartRouter(SelectionPolicy.LeastLoaded, Member("x", both, null));

        var result = await Stream(router, PromptTokens.Build(30), 7);

        Assert.True(result.Ok, result.Error);
        Assert.Equal(string.Concat(Enumerable.Range(0, 7).Select(i => " t" + i)), result.Text);
        Assert.Equal(1, both.Engine.AdmittedRequests);
    }

    [Theory]
    [InlineData("""{"prompt":"a","max_tokens":-1}""", "max_tokens")]
    [InlineData("""{"max_tokens":2}""", "prompt")]
    [InlineData("""[1,2]""", null)]
    public async Task Bad_request_gets_an_openai_error_from_the_router(string json, string? param)
    {
        await using var router = await StartRouter(SelectionPolicy.RoundRobin);
        using var http = new HttpClient();

        var response = await http.PostAsync(new Uri(router.HttpUri, "v1/completions"), Json(json));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
        Assert.Equal("invalid_request_error", error["type"]!.GetValue<string>());
        Assert.Equal(param, error["param"]?.GetValue<string>());
    }

    [Fact]
    public async Task Engine_side_rejection_of_a_too_long_request_reaches_the_client_as_400()
    {
        await using var both = await MockEngineServer.StartAsync(TestProfiles.Engine());
        await using var router = await StartRouter(SelectionPolicy.RoundRobin, Member("x", both, null));

        var result = await Stream(router, PromptTokens.Build(10), 5000);

        Assert.Equal(400, result.StatusCode);
        Assert.Contains("max_tokens", result.Error);
    }

    [Fact]
    public async Task Request_waits_in_the_queue_until_membership_brings_an_instance()
    {
        await using var both = await MockEngineServer.StartAsync(TestProfiles.Engine());
        await using var router = await StartRouter(SelectionPolicy.RoundRobin);
        using var pool = new EngineConnectionPool(Quick);
        var waiting = Stream(router, PromptTokens.Build(50), 3);
        await Eventually.TrueAsync(() => router.Load.Snapshot(0).QueuedRequests == 1, "the request waits in the router");
        var queued = router.Load.QueuedPromptTokens;

        await pool.Router(router.ControlAddress).SetMembershipAsync(1, [Proto("x", both, null, State.Active)]);
        var result = await waiting;

        Assert.Equal(50, queued);
        Assert.True(result.Ok, result.Error);
        Assert.Equal(0, router.Load.QueuedPromptTokens);
    }

    [Fact]
    public async Task Request_with_no_instance_fails_503_after_the_queue_timeout()
    {
        await using var router = await RouterServer.StartAsync(new RouterOptions { HttpPort = 0, ControlPort = 0, QueueTimeout = TimeSpan.FromMilliseconds(100) });

        var result = await Stream(router, PromptTokens.Build(5), 2);

        Assert.Equal(503, result.StatusCode);
        Assert.Contains("No prefill instance", result.Error);
    }

    [Fact]
    public async Task SetMembership_applies_newer_versions_only_and_is_idempotent()
    {
        await using var router = await StartRouter(SelectionPolicy.RoundRobin);
        await using var engine = await MockEngineServer.StartAsync(TestProfiles.Engine());
        using var pool = new EngineConnectionPool(Quick);
        var client = pool.Router(router.ControlAddress);

        var v5 = await client.SetMembershipAsync(5, [Proto("new", engine, null, State.Active)]);
        var v3 = await client.SetMembershipAsync(3, [Proto("old", engine, null, State.Active)]);
        var again = await client.SetMembershipAsync(5, [Proto("new", engine, null, State.Active)]);

        Assert.True(v5.Applied);
        Assert.False(v3.Applied);
        Assert.Equal(5, v3.CurrentVersion);
        Assert.False(again.Applied);
        Assert.Equal(["new"], router.Members.Members.Select(m => m.Id));
    }

    [Fact]
    public async Task SetMembership_with_an_unset_role_is_invalid_argument_naming_the_member()
    {
        await using var router = await StartRouter(SelectionPolicy.RoundRobin);
        using var pool = new EngineConnectionPool(Quick);

        var error = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => pool.Router(router.ControlAddress).SetMembershipAsync(1,
            [new Member { Id = "x", Address = "127.0.0.1:8000", State = Contract.V1.InstanceState.Active }]));

        Assert.Equal(Grpc.Core.StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("instances[x].role", error.Status.Detail);
        Assert.Equal(-1, router.Members.Version);
    }

    [Fact]
    public async Task WatchLoad_reports_queued_prompt_tokens_and_the_assignment_while_prefill_runs()
    {
        var slowPrefill = TestProfiles.Fast with { PrefillTokensPerSecond = 2000 };
        await using var prefill = await MockEngineServer.StartAsync(TestProfiles.Engine(InstanceRole.Prefill, profile: slowPrefill));
        await using var decode = await MockEngineServer.StartAsync(TestProfiles.Engine(InstanceRole.Decode));
        await using var router = await StartRouter(SelectionPolicy.RoundRobin, Member("p", prefill, InstanceRole.Prefill), Member("d", decode, InstanceRole.Decode));
        using var pool = new EngineConnectionPool(Quick);
        using var watching = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sawLoad = Task.Run(async () =>
        {
            await foreach (var load in pool.Router(router.ControlAddress).WatchLoadAsync(cancel: watching.Token))
            {
                connected.TrySetResult();
                if (load.QueuedPromptTokens == 400 && load.Assignments.Any(a => a.Id == "p" && a.InFlightPromptTokens == 400))
                {
                    return load;
                }
            }

            throw new TimeoutException("the load stream ended");
        });

        await connected.Task.WaitAsync(TimeSpan.FromSeconds(60));
        var result = await Stream(router, PromptTokens.Build(400), 2);
        var seen = await sawLoad;

        Assert.True(result.Ok, result.Error);
        Assert.Equal(0, seen.MembershipVersion);
        Assert.Equal(0, router.Load.QueuedPromptTokens);
    }

    [Fact]
    public async Task Request_on_an_instance_that_leaves_the_membership_is_redispatched_and_completes()
    {
        var slow = TestProfiles.Fast with { DecodeStepMillis = 10 };
        await using var leaving = await MockEngineServer.StartAsync(TestProfiles.Engine(profile: slow));
        await using var staying = await MockEngineServer.StartAsync(TestProfiles.Engine());
        await using var router = await StartRouter(SelectionPolicy.RoundRobin, Member("a", leaving, null));
        using var pool = new EngineConnectionPool(Quick);
        var request = Stream(router, PromptTokens.Build(20), 200);
        await Eventually.TrueAsync(() => leaving.Engine.Status().RunningRequests == 1, "the request runs on the first instance");

        await pool.Router(router.ControlAddress).SetMembershipAsync(1, [Proto("b", staying, null, State.Active)]);
        var result = await request;

        Assert.True(result.Ok, result.Error);
        Assert.Equal(200, result.TokenTimes.Count);
        Assert.Equal(1, staying.Engine.AdmittedRequests);
        await Eventually.TrueAsync(() => leaving.Engine.Status().RunningRequests == 0, "the abandoned request stops on the instance that left");
    }

    [Fact]
    public async Task Request_on_a_draining_instance_finishes_there_while_new_requests_go_elsewhere()
    {
        var slow = TestProfiles.Fast with { DecodeStepMillis = 5 };
        await using var draining = await MockEngineServer.StartAsync(TestProfiles.Engine(profile: slow));
        await using var other = await MockEngineServer.StartAsync(TestProfiles.Engine());
        await using var router = await StartRouter(SelectionPolicy.RoundRobin, Member("a", draining, null));
        using var pool = new EngineConnectionPool(Quick);
        var first = Stream(router, PromptTokens.Build(20), 80);
        await Eventually.TrueAsync(() => draining.Engine.Status().RunningRequests == 1, "the request runs on the first instance");

        await pool.Router(router.ControlAddress).SetMembershipAsync(1, [Proto("a", draining, null, State.Draining), Proto("b", other, null, State.Active)]);
        var second = await Stream(router, PromptTokens.Build(20), 3);
        var firstResult = await first;

        Assert.True(firstResult.Ok, firstResult.Error);
        Assert.Equal(string.Concat(Enumerable.Range(0, 80).Select(i => " t" + i)), firstResult.Text);
        Assert.Equal(1, draining.Engine.AdmittedRequests);
        Assert.True(second.Ok, second.Error);
        Assert.Equal(1, other.Engine.AdmittedRequests);
    }

    [Fact]
    public async Task Request_whose_prefill_instance_is_down_is_redispatched_to_a_live_one()
    {
        await using var live = await MockEngineServer.StartAsync(TestProfiles.Engine(InstanceRole.Prefill));
        await using var decode = await MockEngineServer.StartAsync(TestProfiles.Engine(InstanceRole.Decode));
        var dead = new RouterMember("a-dead", "127.0.0.1:1", InstanceRole.Prefill, State.Active);
        await using var router = await StartRouter(SelectionPolicy.RoundRobin, dead, Member("b", live, InstanceRole.Prefill), Member("d", decode, InstanceRole.Decode));

        var result = await Stream(router, PromptTokens.Build(20), 5);

        Assert.True(result.Ok, result.Error);
        Assert.Equal(1, live.Engine.AdmittedRequests);
    }

    private static Task<RouterServer> StartRouter(SelectionPolicy policy, params RouterMember[] members) =>
        RouterServer.StartAsync(new RouterOptions { HttpPort = 0, ControlPort = 0, Policy = policy, Seed = 1, StaticMembers = members, QueueTimeout = TimeSpan.FromSeconds(30) });

    private static RouterMember Member(string id, MockEngineServer engine, InstanceRole? role) => new(id, engine.HttpAddress, role, State.Active);

    private static Member Proto(string id, MockEngineServer engine, InstanceRole? role, State state) => new()
    {
        Id = id,
        Address = engine.HttpAddress,
        Role = ContractMapping.ToProto(role),
        State = ContractMapping.ToProto(state),
    };

    private static async Task<CompletionResult> Stream(RouterServer router, string prompt, int maxTokens)
    {
        using var http = new HttpClient();
        var clock = Stopwatch.StartNew();
        return await new StreamingCompletionClient(http).StreamAsync(router.HttpUri, prompt, maxTokens, () => clock.Elapsed.TotalSeconds);
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
