using Tandem.Scaling.Lifecycle;
using Tandem.Scaling.Policies;

namespace Tandem.Scaling.Tests.Policies;

/// <summary>The scale-down hold of bounds and slo, the arrival-rate prefill demand and the cold-start cap.</summary>
public class ScaleDownHoldTests
{
    private static readonly InstanceRole P = InstanceRole.Prefill;
    private static readonly InstanceRole D = InstanceRole.Decode;

    // Defaults of Fleet: scaleDownDelay 30 s, standby.idleTimeout 60 s, so prefill holds 90 s and decode 30 s.
    private static Fleet IdlePrefill() => new Fleet().Active("p0", P).Active("p1", P).Active("d0", D, blocks: 18000);

    [Fact]
    public void Hold_is_scale_down_delay_plus_idle_timeout_for_prefill_and_scale_down_delay_for_decode()
    {
        var bounds = new ScalingBounds { ScaleDownDelay = TimeSpan.FromSeconds(7), Standby = new StandbySettings(1, TimeSpan.FromSeconds(50)) };

        Assert.Equal(TimeSpan.FromSeconds(57), ScaleDownHold.For(bounds));
        Assert.Equal(TimeSpan.FromSeconds(7), ScaleDownHold.ForDecode(bounds));
    }

    [Theory]
    [InlineData("bounds")]
    [InlineData("slo")]
    public void An_over_provisioned_prefill_pool_keeps_its_instances_until_the_hold_runs_out_then_drains_one(string name)
    {
        var fleet = IdlePrefill();
        var policy = ScalingPolicies.Create(name);

        foreach (var seconds in new[] { 0, 30, 89 })
        {
            var held = policy.Decide(fleet.At(Fleet.T0.AddSeconds(seconds)));
            Assert.Equal(2, held.Prefill.Desired);
            Assert.DoesNotContain(held.Actions, a => a is Drain);
        }

        var after = policy.Decide(fleet.At(Fleet.T0.AddSeconds(90)));
        Assert.Equal(1, after.Prefill.Desired);
        Assert.Single(after.Actions.OfType<Drain>());
    }

    [Fact]
    public void A_queue_during_the_hold_restarts_it()
    {
        var fleet = IdlePrefill();
        var policy = new BoundsPolicy();
        policy.Decide(fleet.At(Fleet.T0));
        fleet.Queued = 6000; // 0.25 s of work on two instances: inside the band, so not over-provisioned
        policy.Decide(fleet.At(Fleet.T0.AddSeconds(60)));
        fleet.Queued = 0;

        // Over-provisioned again from 120 s, so the 90 s hold runs out at 210 s, not 90 s after T0.
        Assert.Equal(2, policy.Decide(fleet.At(Fleet.T0.AddSeconds(120))).Prefill.Desired);
        Assert.Equal(2, policy.Decide(fleet.At(Fleet.T0.AddSeconds(209))).Prefill.Desired);
        Assert.Equal(1, policy.Decide(fleet.At(Fleet.T0.AddSeconds(210))).Prefill.Desired);
    }

    [Fact]
    public void Bounds_sizes_prefill_from_the_arrival_rate_when_the_queue_is_empty()
    {
        // 24000 tokens/s arrive: 12000 within the 0.5 s horizon -> ceil(12000/4800) = 3 .. ceil(12000/1800) = 7 -> midpoint 5.
        var fleet = new Fleet { ArrivalRate = 24000 }.Active("p0", P).Active("d0", D, blocks: 18000);
        fleet.Add("w0", InstanceState.Warm).Add("w1", InstanceState.Warm).Add("w2", InstanceState.Warm).Add("w3", InstanceState.Warm);

        var decision = new BoundsPolicy().Decide(fleet.Now());

        Assert.Equal(5, decision.Prefill.Desired);
        Assert.Equal(4, decision.Actions.OfType<ReuseWarm>().Count());
    }

    [Fact]
    public void A_queue_burst_cold_starts_pods_only_for_the_sustained_arrival_rate()
    {
        // W = 240000 wants 13 (max); the fast tier has 2 standby; the arrival rate (9600 tokens/s -> 4800 in 0.5 s) alone
        // needs 1 at the band's upper edge, so no pod is cold-started for a burst that is served before it would arrive.
        var fleet = new Fleet { Queued = 240000, ArrivalRate = 9600 }.Active("p0", P).Active("d0", D, blocks: 18000);
        fleet.Add("s0", InstanceState.Standby).Add("s1", InstanceState.Standby);

        var decision = new BoundsPolicy().Decide(fleet.Now());

        Assert.Equal(3, decision.Prefill.Desired);
        Assert.Equal(2, decision.Actions.OfType<ActivateStandby>().Count());
        Assert.DoesNotContain(decision.Actions, a => a is CreatePods { ForRole: not null });

        // A sustained rate past what the fast tier gives still cold-starts the difference.
        fleet.ArrivalRate = 96000; // 48000 in 0.5 s: ceil(48000/4800) = 10 at the upper edge
        var sustained = new BoundsPolicy().Decide(fleet.Now());
        Assert.Equal(10, sustained.Prefill.Desired);
        Assert.Equal(7, Assert.Single(sustained.Actions.OfType<CreatePods>(), c => c.ForRole == P).Count);
    }

    [Fact]
    public void Without_a_measured_arrival_rate_a_queue_burst_still_cold_starts_to_the_band_midpoint()
    {
        var fleet = new Fleet { Queued = 24000 }.Active("p0", P).Active("d0", D, blocks: 18000);

        var decision = new BoundsPolicy().Decide(fleet.Now());

        Assert.Equal(10, decision.Prefill.Desired);
        Assert.Equal(9, Assert.Single(decision.Actions.OfType<CreatePods>(), c => c.ForRole == P).Count);
    }

    [Fact]
    public void Mutation_does_not_wait_for_the_prefill_hold()
    {
        var fleet = new Fleet().Active("p0", P).Active("p1", P, blocks: 5).Active("d0", D, blocks: 30000);
        fleet.Bounds = fleet.Bounds with { Features = ScalingFeatures.Mutate };

        var decision = new SloPolicy().Decide(fleet.Now());

        Assert.Equal("p0", Assert.Single(decision.Actions.OfType<Mutate>()).InstanceId);
    }

    [Fact]
    public void Slo_predicts_queueing_from_the_arrival_rate()
    {
        // SLO TTFT 1 s, headroom 0.8; empty queue, 1024-token prompts (S = 0.095 s). At 11000 tokens/s one instance runs at
        // rho = 0.92: wait 0.92 / (2 x 0.08) x S = 0.55 s + S = 0.64 s fits; at 11500, rho = 0.96: 1.2 s does not -> 2.
        var fleet = new Fleet { ArrivalRate = 11000 }.Active("p0", P).Active("d0", D, blocks: 100);
        fleet.Bounds = fleet.Bounds with { Slo = new SloSettings(TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(100)) };
        Assert.Equal(1, new SloPolicy().Decide(fleet.Now()).Prefill.Desired);

        fleet.ArrivalRate = 11500;
        Assert.Equal(2, new SloPolicy().Decide(fleet.Now()).Prefill.Desired);
    }

    [Fact]
    public void A_warm_instance_fills_the_standby_buffer_so_no_pod_is_cold_started_beside_it()
    {
        var fleet = new Fleet().Active("p0", P).Active("d0", D, blocks: 18000).Add("w0", InstanceState.Warm, P);
        fleet.Bounds = fleet.Bounds with { Standby = new StandbySettings(1, TimeSpan.FromSeconds(60)) };

        var decision = new BoundsPolicy().Decide(fleet.Now());

        Assert.DoesNotContain(decision.Actions, a => a is CreatePods);
    }
}
