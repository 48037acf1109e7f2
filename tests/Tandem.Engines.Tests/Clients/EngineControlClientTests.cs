using System.Diagnostics;
using System.Net;
using Grpc.Core;
using Microsoft.Extensions.Time.Testing;
using Tandem.Engines.Clients;
using Tandem.Engines.Contract;
using Tandem.Engines.Load;
using Tandem.Engines.Mock;
using Tandem.Engines.OpenAi;
using Tandem.Scaling.Lifecycle;

namespace Tandem.Engines.Tests.Clients;

public sealed class EngineControlClientTests
{
    private static readonly ControlClientOptions Quick = new() { MaxRetries = 2, BaseBackoff = TimeSpan.FromMilliseconds(5), MaxBackoff = TimeSpan.FromMilliseconds(50) };

    [Fact]
    public async Task Activate_from_storage_stays_loading_until_the_storage_load_delay_has_passed()
    {
        var clock = new FakeTimeProvider();
        await using var engine = await MockEngineServer.StartAsync(TestProfiles.Engine(standby: true, time: clock));
        using var pool = new EngineConnectionPool(Quick);
        var client = pool.Engine(engine.ControlAddress);

        var state = await client.ActivateAsync(InstanceRole.Prefill, WeightSources.Storage());
        clock.Advance(TestProfiles.Fast.LoadFromStorage - TimeSpan.FromMilliseconds(1));
        var midway = await client.HealthAsync();
        clock.Advance(TimeSpan.FromMilliseconds(1));
        await Eventually.TrueAsync(() => engine.Engine.State == InstanceState.Active, "the engine is active");

        Assert.Equal(InstanceState.Loading, state);
        Assert.Equal(InstanceState.Loading, midway.State);
        Assert.False(midway.WeightsLoaded);
        var done = await client.HealthAsync();
        Assert.Equal(InstanceRole.Prefill, done.Role);
        Assert.True(done.WeightsLoaded);
    }

    [Fact]
    public async Task Activate_from_a_peer_finishes_after_the_shorter_peer_delay()
    {
        var clock = new FakeTimeProvider();
        await using var engine = await MockEngineServer.StartAsync(TestProfiles.Engine(standby: true, time: clock));
        using var pool = new EngineConnectionPool(Quick);

        await pool.Engine(engine.ControlAddress).ActivateAsync(InstanceRole.Decode, WeightSources.Peer("127.0.0.9:9000"));
        clock.Advance(TestProfiles.Fast.LoadFromPeer);

        await Eventually.TrueAsync(() => engine.Engine.State == InstanceState.Active, "the engine is active after the peer delay");
        Assert.True(TestProfiles.Fast.LoadFromPeer < TestProfiles.Fast.LoadFromStorage);
    }

    [Fact]
    public async Task Drain_lets_the_in_flight_request_finish_refuses_new_ones_and_the_stream_reports_warm()
    {
        // 60 tokens at 50 ms a step: the request is still running when Drain arrives, even on a loaded machine.
        var slow = TestProfiles.Fast with { DecodeStepMillis = 50 };
        await using var engine = await MockEngineServer.StartAsync(TestProfiles.Engine(profile: slow));
        using var pool = new EngineConnectionPool(Quick);
        var client = pool.Engine(engine.ControlAddress);
        using var http = new HttpClient();
        using var watching = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var states = new List<InstanceState?>();
        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reachedWarm = Task.Run(async () =>
        {
            await foreach (var observation in client.WatchAsync(cancel: watching.Token))
            {
                lock (states)
                {
                    states.Add(observation.State);
                }

                connected.TrySetResult();

                if (observation.State == InstanceState.Warm)
                {
                    return observation;
                }
            }

            throw new TimeoutException("the status stream ended before Warm");
        });
        await connected.Task.WaitAsync(TimeSpan.FromSeconds(60));
        var clock = Stopwatch.StartNew();
        var inFlight = new StreamingCompletionClient(http).StreamAsync(engine.HttpUri, PromptTokens.Build(50), 60, () => clock.Elapsed.TotalSeconds);
        await Eventually.TrueAsync(() => engine.Engine.Status().RunningRequests == 1, "the request runs");

        var drain = await client.DrainAsync(migrateTo: null);
        var refused = await new StreamingCompletionClient(http).StreamAsync(engine.HttpUri, PromptTokens.Build(5), 2, () => 0);
        var finished = await inFlight;
        var warm = await reachedWarm;

        Assert.Equal(Contract.V1.InstanceState.Draining, drain.State);
        Assert.Equal(1, drain.RemainingRequests);
        Assert.Equal(503, refused.StatusCode);
        Assert.True(finished.Ok, finished.Error);
        Assert.Equal(60, finished.TokenTimes.Count);
        Assert.Equal(0, warm.RunningRequests);
        lock (states)
        {
            Assert.Contains(InstanceState.Draining, states);
        }
    }

    [Fact]
    public async Task Unload_of_a_warm_engine_returns_it_to_standby_and_a_second_unload_is_a_no_op()
    {
        await using var engine = await MockEngineServer.StartAsync(TestProfiles.Engine());
        using var pool = new EngineConnectionPool(Quick);
        var client = pool.Engine(engine.ControlAddress);

        await client.DrainAsync();
        await Eventually.TrueAsync(() => engine.Engine.State == InstanceState.Warm, "the idle engine is warm");
        var first = await client.UnloadAsync();
        var second = await client.UnloadAsync();

        Assert.Equal(InstanceState.Standby, first);
        Assert.Equal(InstanceState.Standby, second);
        Assert.False((await client.HealthAsync()).WeightsLoaded);
    }

    [Fact]
    public async Task Warm_engine_activates_at_once_without_a_load()
    {
        var clock = new FakeTimeProvider();
        await using var engine = await MockEngineServer.StartAsync(TestProfiles.Engine(time: clock));
        using var pool = new EngineConnectionPool(Quick);
        var client = pool.Engine(engine.ControlAddress);
        await client.DrainAsync();

        var state = await client.ActivateAsync(InstanceRole.Decode, WeightSources.Storage());

        Assert.Equal(InstanceState.Active, state);
    }

    [Fact]
    public async Task Illegal_transition_answers_failed_precondition_naming_the_states()
    {
        await using var engine = await MockEngineServer.StartAsync(TestProfiles.Engine());
        using var pool = new EngineConnectionPool(Quick);

        var error = await Assert.ThrowsAsync<RpcException>(() => pool.Engine(engine.ControlAddress).UnloadAsync());

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains("Active to Standby", error.Status.Detail);
    }

    [Fact]
    public async Task SetRole_mutates_an_active_instance_in_place()
    {
        await using var engine = await MockEngineServer.StartAsync(TestProfiles.Engine(InstanceRole.Prefill));
        using var pool = new EngineConnectionPool(Quick);
        var client = pool.Engine(engine.ControlAddress);

        await client.SetRoleAsync(InstanceRole.Decode);

        Assert.Equal(InstanceRole.Decode, (await client.HealthAsync()).Role);
    }

    [Fact]
    public async Task Call_to_an_unreachable_engine_fails_unavailable_after_its_retries()
    {
        using var pool = new EngineConnectionPool(Quick);

        var error = await Assert.ThrowsAsync<RpcException>(() => pool.Engine("127.0.0.1:1").HealthAsync());

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
    }

    [Fact]
    public async Task Status_stream_reconnects_when_the_engine_comes_back_on_the_same_address()
    {
        var address = IPAddress.Parse("127.0.0.1");
        var first = await MockEngineServer.StartAsync(TestProfiles.Engine() with { Address = address });
        var port = int.Parse(first.ControlAddress.Split(':')[1]);
        using var pool = new EngineConnectionPool(Quick);
        using var watching = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var errors = 0;
        var seen = new List<EngineObservation>();
        var twoEngines = Task.Run(async () =>
        {
            await foreach (var observation in pool.Engine(first.ControlAddress).WatchAsync(_ => Interlocked.Increment(ref errors), watching.Token))
            {
                lock (seen)
                {
                    seen.Add(observation);
                }

                if (observation.State == InstanceState.Standby)
                {
                    return;
                }
            }
        });
        await Eventually.TrueAsync(() => { lock (seen) { return seen.Count > 0; } }, "the first status arrives");

        await first.DisposeAsync();
        await using var second = await MockEngineServer.StartAsync(TestProfiles.Engine(standby: true) with { Address = address, ControlPort = port });
        await twoEngines;

        Assert.True(errors >= 1);
        lock (seen)
        {
            Assert.Equal(InstanceState.Active, seen[0].State);
            Assert.Equal(InstanceState.Standby, seen[^1].State);
        }
    }

    [Fact]
    public void Pool_keeps_one_channel_per_address_and_remove_forgets_it()
    {
        using var pool = new EngineConnectionPool(Quick);

        pool.Engine("127.0.0.2:9000");
        pool.Engine("127.0.0.2:9000");
        pool.Router("127.0.0.3:11237");
        var before = pool.Addresses.Order().ToArray();
        var removed = pool.Remove("127.0.0.2:9000");
        var again = pool.Remove("127.0.0.2:9000");

        Assert.Equal(["127.0.0.2:9000", "127.0.0.3:11237"], before);
        Assert.True(removed);
        Assert.False(again);
        Assert.Equal(["127.0.0.3:11237"], pool.Addresses);
        Assert.Throws<ArgumentException>(() => pool.Engine("http://127.0.0.2:9000"));
    }
}
