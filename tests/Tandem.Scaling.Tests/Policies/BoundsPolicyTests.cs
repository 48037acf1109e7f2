using Tandem.Scaling.Lifecycle;
using Tandem.Scaling.Policies;

namespace Tandem.Scaling.Tests.Policies;

public class BoundsPolicyTests
{
    private static readonly InstanceRole P = InstanceRole.Prefill;
    private static readonly InstanceRole D = InstanceRole.Decode;

    // llama3-8b: R = 12000 tokens/s, M = 30000 blocks, T = 60000 tokens/s; default bands prefill 0.15-0.4, decode 0.45-0.8.
    private static Fleet Balanced() => new Fleet().Active("p0", P).Active("d0", D, blocks: 18000);

    [Fact]
    public void Prefill_above_its_band_scales_up_to_the_band_midpoint_at_once()
    {
        // W = 24000 tokens: the band needs ceil(24000/(0.4*12000)) = 5 .. ceil(24000/(0.15*12000)) = 14 instances -> midpoint 10 (max 13).
        var fleet = Balanced();
        fleet.Queued = 24000;
        fleet.Add("s0", InstanceState.Standby).Add("s1", InstanceState.Standby);

        var decision = new BoundsPolicy().Decide(fleet.Now());

        Assert.Equal(10, decision.Prefill.Desired);
        Assert.Equal(2, decision.Actions.OfType<ActivateStandby>().Count());
        var cold = Assert.Single(decision.Actions.OfType<CreatePods>());
        Assert.Equal(7, cold.Count);
        Assert.Equal(P, cold.ForRole);
    }

    [Fact]
    public void Below_the_band_removes_one_instance_with_the_least_live_work_and_never_a_weight_source()
    {
        var fleet = new Fleet()
            .Active("p0", P).Active("d0", D, blocks: 100, running: 2).Active("d1", D, blocks: 50, running: 9, source: true)
            .Active("d2", D, blocks: 100, running: 1).Active("d3", D, blocks: 400);

        // Decode is over-provisioned from T0; it may give one up after scaleDownDelay (30 s) of that.
        var policy = new BoundsPolicy();
        Assert.DoesNotContain(policy.Decide(fleet.Now()).Actions, a => a is Drain);
        var decision = policy.Decide(fleet.At(Fleet.T0.AddSeconds(30)));

        var drain = Assert.Single(decision.Actions.OfType<Drain>());
        Assert.Equal("d2", drain.InstanceId); // d1 has fewer blocks but serves weights; d2 ties d0 on blocks, fewer in flight
        Assert.Equal(3, decision.Decode.Desired);
    }

    [Fact]
    public void Counts_are_clamped_to_max_and_the_decision_says_so()
    {
        var fleet = Balanced();
        fleet.Queued = 1_000_000;

        var decision = new BoundsPolicy().Decide(fleet.Now());

        Assert.Equal(13, decision.Prefill.Desired);
        Assert.True(decision.Prefill.LimitedByMax);
        Assert.Contains("limited by max", decision.Reason);
    }

    [Fact]
    public void Scale_up_fills_from_cancelled_drain_then_warm_then_standby_then_cold_pods()
    {
        // Decode needs ceil(90000/(0.8*30000)) = 4 .. ceil(90000/(0.45*30000)) = 7 -> midpoint 6: four more.
        var fleet = new Fleet()
            .Active("p0", P).Active("d0", D, blocks: 45000).Active("d1", D, blocks: 45000)
            .Add("dr", InstanceState.Draining, D, blocks: 10)
            .Add("w0", InstanceState.Warm, D, sinceSeconds: -1)
            .Add("s0", InstanceState.Standby);

        var decision = new BoundsPolicy().Decide(fleet.Now());

        Assert.Equal(6, decision.Decode.Desired);
        Assert.Collection(decision.Actions,
            a => Assert.Equal("dr", Assert.IsType<CancelDrain>(a).InstanceId),
            a => Assert.Equal("w0", Assert.IsType<ReuseWarm>(a).InstanceId),
            a => Assert.Equal("s0", Assert.IsType<ActivateStandby>(a).InstanceId),
            a => Assert.Equal(1, Assert.IsType<CreatePods>(a).Count));
    }

    [Fact]
    public void Mutate_turns_a_prefill_instance_into_decode_when_prefill_shrinks_and_decode_grows()
    {
        var fleet = new Fleet().Active("p0", P).Active("p1", P, blocks: 5).Active("d0", D, blocks: 30000);
        fleet.Bounds = fleet.Bounds with { Features = ScalingFeatures.Mutate };

        var decision = new BoundsPolicy().Decide(fleet.Now());

        var mutate = Assert.Single(decision.Actions.OfType<Mutate>());
        Assert.Equal("p0", mutate.InstanceId);
        Assert.DoesNotContain(decision.Actions, a => a is Drain);

        fleet.Bounds = fleet.Bounds with { Features = ScalingFeatures.None };
        var without = new BoundsPolicy().Decide(fleet.Now());
        Assert.DoesNotContain(without.Actions, a => a is Mutate);
        Assert.DoesNotContain(without.Actions, a => a is Drain); // without mutate, prefill waits for its scale-down hold
    }

    [Fact]
    public void Nothing_changes_while_every_band_holds()
    {
        var fleet = new Fleet().Active("p0", P).Active("d0", D, blocks: 18000);
        fleet.Queued = 3000; // 0.25 s of prefill work: inside 0.15-0.4

        var decision = new BoundsPolicy().Decide(fleet.Now());

        Assert.Equal(1, decision.Prefill.Desired);
        Assert.Equal(1, decision.Decode.Desired);
        Assert.Empty(decision.Actions);
        Assert.Equal(0.25, decision.Prefill.Utilization, 9);
        Assert.Equal(0.6, decision.Decode.Utilization, 9);
    }

    [Fact]
    public void Ratio_guard_raises_decode_when_prefill_outgrows_it()
    {
        var fleet = Balanced();
        fleet.Queued = 24000;
        fleet.Bounds = fleet.Bounds with { Ratio = new RatioGuard(0.5, 2) };

        var decision = new BoundsPolicy().Decide(fleet.Now());

        Assert.Equal(10, decision.Prefill.Desired);
        Assert.Equal(5, decision.Decode.Desired);
        Assert.True(decision.Decode.LimitedByRatio);
    }

    [Fact]
    public void Standby_activation_loads_from_the_fastest_allowed_source()
    {
        var fleet = Balanced().Add("s0", InstanceState.Standby);
        fleet.Queued = 12000;

        ActivateStandby Activate(ScalingFeatures features)
        {
            fleet.Bounds = fleet.Bounds with { Features = features };
            return Assert.Single(new BoundsPolicy().Decide(fleet.Now()).Actions.OfType<ActivateStandby>());
        }

        Assert.Equal(WeightSource.Storage, Activate(ScalingFeatures.None).Source);
        Assert.Equal(WeightSource.HostCache, Activate(ScalingFeatures.HostCache).Source);   // 1.2 s < 1.4 s from a peer
        Assert.Equal(WeightSource.Peer("p0"), Activate(ScalingFeatures.FastLoad).Source); // the active peer with the fewest blocks
    }

    [Fact]
    public void No_instance_of_a_role_is_drained_while_a_scale_up_of_that_role_is_still_loading()
    {
        var fleet = new Fleet().Active("p0", P).Add("p1", InstanceState.Loading, P).Active("d0", D, blocks: 18000);

        var policy = new BoundsPolicy();
        policy.Decide(fleet.Now()); // no queued prompts: prefill wants fewer, from T0
        var decision = policy.Decide(fleet.At(Fleet.T0 + ScaleDownHold.For(fleet.Bounds)));

        Assert.Equal(1, decision.Prefill.Desired);
        Assert.DoesNotContain(decision.Actions, a => a is Drain);
    }

    [Fact]
    public void Standby_sizing_from_bursts_counts_what_the_load_needed_before_the_cold_start_cap()
    {
        // A queue far above the band with a small arrival rate: bounds wants more instances than the fast tier (none here)
        // holds and caps cold starts to the rate's one instance. The buffer must still remember the shortfall, or the
        // standby pod it drew on reads as never needed and is deleted.
        var fleet = Balanced();
        fleet.Bounds = new ScalingBounds { Standby = new StandbySettings(1, TimeSpan.FromSeconds(60)) { SizeFromBursts = true } };
        fleet.ArrivalRate = 100;
        var policy = new BoundsPolicy();
        policy.Decide(fleet.Now());
        fleet.Queued = 24000;

        var decision = policy.Decide(fleet.At(Fleet.T0 + ScaleDownHold.For(fleet.Bounds) + TimeSpan.FromSeconds(1)));

        Assert.Equal(1, decision.Prefill.Desired);                  // cold starts capped to the sustained rate
        var buffer = Assert.Single(decision.Actions.OfType<CreatePods>(), c => c.ForRole is null);
        Assert.Equal(1, buffer.Count);                              // yet the standby buffer is kept
    }
}
