using System.Text.Json.Nodes;
using Tandem.Engines.Clients;
using Tandem.Engines.Vllm;
using Tandem.Scaling.Lifecycle;

namespace Tandem.Engines.Tests.Vllm;

/// <summary>The vllm adapter drives the BlitzScale tiers through the vLLM-faithful mock's HTTP surface.</summary>
public sealed class VllmEngineControlTests
{
    private static VllmEngineControl Control(HttpClient http, string address, int sleepLevel = 1) =>
        new(http, address, sleepLevel, TimeSpan.FromMilliseconds(20));

    [Theory]
    [InlineData(VllmIntent.Unrouted, false, 0, 0, InstanceState.Warm)]
    [InlineData(VllmIntent.Routed, false, 3, 1, InstanceState.Active)]
    [InlineData(VllmIntent.Draining, false, 1, 0, InstanceState.Draining)]
    [InlineData(VllmIntent.Draining, false, 0, 2, InstanceState.Draining)]
    [InlineData(VllmIntent.Draining, false, 0, 0, InstanceState.Warm)]
    [InlineData(VllmIntent.Unrouted, true, 0, 0, InstanceState.Standby)]
    [InlineData(VllmIntent.Waking, true, 0, 0, InstanceState.Loading)]
    public void Tiers_map_from_the_operators_intent_and_vllms_own_numbers(VllmIntent intent, bool sleeping, int running, int waiting, InstanceState expected) =>
        Assert.Equal(expected, VllmStateMapping.Derive(intent, sleeping, running, waiting));

    [Fact]
    public async Task An_awake_unrouted_engine_is_warm_activate_routes_it_and_drain_returns_it_to_warm()
    {
        await using var server = await VllmMockServerTests.StartAsync();
        using var http = new HttpClient();
        var control = Control(http, server.Address);

        Assert.Equal(InstanceState.Warm, (await control.ObserveAsync()).State);
        Assert.Equal(InstanceState.Active, await control.ActivateAsync(InstanceRole.Prefill, WeightSources.Storage()));
        var active = await control.ObserveAsync();
        Assert.Equal((InstanceState.Active, InstanceRole.Prefill, 1000L), (active.State, active.Role, active.TotalKvBlocks));

        await control.SetRoleAsync(InstanceRole.Decode);
        Assert.Equal(InstanceRole.Decode, (await control.ObserveAsync()).Role);
        await control.DrainAsync();
        var drained = await control.ObserveAsync();
        Assert.Equal((InstanceState.Warm, (InstanceRole?)null), (drained.State, drained.Role));
    }

    [Fact]
    public async Task Unload_sleeps_at_level_1_and_activate_wakes_through_loading_to_active()
    {
        await using var server = await VllmMockServerTests.StartAsync();
        using var http = new HttpClient();
        var control = Control(http, server.Address);

        Assert.Equal(InstanceState.Standby, await control.UnloadAsync());
        Assert.Equal(1, server.SleepLevel);
        var asleep = await control.ObserveAsync();
        Assert.Equal((InstanceState.Standby, false), (asleep.State, asleep.WeightsLoaded));

        // A peer weight source has no vLLM equivalent: it wakes from sleep like any other.
        Assert.Equal(InstanceState.Loading, await control.ActivateAsync(InstanceRole.Decode, WeightSources.Peer("127.0.0.9:8000")));
        Assert.Equal(InstanceState.Loading, (await control.ObserveAsync()).State);
        await Eventually.TrueAsync(() => control.Intent == VllmIntent.Routed, "the engine woke and was routed", TimeSpan.FromSeconds(10));
        var awake = await control.ObserveAsync();
        Assert.Equal((InstanceState.Active, InstanceRole.Decode, true), (awake.State, awake.Role, awake.WeightsLoaded));
        Assert.Equal(0, server.SleepLevel);
    }

    [Fact]
    public async Task A_successor_takes_up_the_recorded_intent_so_a_routed_instance_stays_active_after_a_restart()
    {
        await using var server = await VllmMockServerTests.StartAsync();
        using var http = new HttpClient();
        var before = Control(http, server.Address);
        await before.ActivateAsync(InstanceRole.Decode, WeightSources.Storage());

        // A new operator process knows only what the pod's labels say: active decode.
        var after = Control(http, server.Address);
        after.Restore(VllmIntent.Routed, InstanceRole.Decode);
        var seen = await after.ObserveAsync();
        Assert.Equal((InstanceState.Active, InstanceRole.Decode), (seen.State, seen.Role));

        // Without the record an awake engine is warm; and a record never overrides what this process asked since.
        Assert.Equal(InstanceState.Warm, (await Control(http, server.Address).ObserveAsync()).State);
        await after.DrainAsync();
        after.Restore(VllmIntent.Routed, InstanceRole.Prefill);
        Assert.Equal(InstanceState.Warm, (await after.ObserveAsync()).State);
    }

    [Fact]
    public async Task After_a_restart_an_engine_slept_at_level_2_by_the_previous_process_is_woken_with_a_weight_reload()
    {
        await using var server = await VllmMockServerTests.StartAsync();
        using var http = new HttpClient();
        await Control(http, server.Address, sleepLevel: 2).UnloadAsync();
        Assert.Equal(2, server.SleepLevel);

        var successor = Control(http, server.Address, sleepLevel: 2);
        await successor.ActivateAsync(InstanceRole.Prefill, WeightSources.Storage());
        await Eventually.TrueAsync(() => successor.Intent == VllmIntent.Routed, "the engine woke and was routed", TimeSpan.FromSeconds(10));
        Assert.Equal(1, server.WeightReloads);
    }

    [Fact]
    public async Task Level_2_standby_drops_the_weights_and_waking_reloads_them()
    {
        await using var server = await VllmMockServerTests.StartAsync();
        using var http = new HttpClient();
        var control = Control(http, server.Address, sleepLevel: 2);

        await control.UnloadAsync();
        Assert.Equal(2, server.SleepLevel);
        await control.ActivateAsync(InstanceRole.Prefill, WeightSources.Storage());
        await Eventually.TrueAsync(() => control.Intent == VllmIntent.Routed, "the engine woke, reloaded and was routed", TimeSpan.FromSeconds(10));

        Assert.Equal(InstanceState.Active, (await control.ObserveAsync()).State);
        Assert.Equal(1, server.WeightReloads);
        using var served = await VllmMockServerTests.CompleteAsync(http, new JsonObject { ["model"] = "test-model", ["prompt"] = "x", ["max_tokens"] = 2 }, server.Address);
        Assert.True(served.IsSuccessStatusCode);
    }

    [Fact]
    public async Task Unload_is_refused_while_vllm_still_runs_a_request_because_its_sleep_would_abort_it()
    {
        var slow = VllmMockServerTests.Profile with { DecodeStepMillis = 20 };
        await using var server = await VllmMockServerTests.StartAsync(profile: slow);
        using var http = new HttpClient();
        var control = Control(http, server.Address);
        await control.ActivateAsync(InstanceRole.Decode, WeightSources.Storage());
        var running = VllmMockServerTests.CompleteAsync(http, new JsonObject { ["model"] = "test-model", ["prompt"] = "x", ["max_tokens"] = 4000 }, server.Address);
        await Eventually.TrueAsync(() => server.Engine.Status().RunningRequests > 0, "the request runs", TimeSpan.FromSeconds(10));

        await control.DrainAsync();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => control.UnloadAsync());

        Assert.Contains("sleeps only when idle", error.Message);
        Assert.Equal(InstanceState.Draining, (await control.ObserveAsync()).State);
        Assert.Equal(0, server.SleepLevel);
        http.CancelPendingRequests();
        await Assert.ThrowsAnyAsync<Exception>(() => running);
    }
}
