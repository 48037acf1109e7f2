using Microsoft.Extensions.Time.Testing;
using Tandem.Scaling.Lifecycle;
using Tandem.Scaling.Policies;

namespace Tandem.Scaling.Tests.Policies;

public class BaselinePolicyTests
{
    private static Fleet TwoByTwo(long queued, int decodeBlocks) =>
        new Fleet { Queued = queued }
            .Active("p0", InstanceRole.Prefill).Active("p1", InstanceRole.Prefill)
            .Active("d0", InstanceRole.Decode, blocks: decodeBlocks).Active("d1", InstanceRole.Decode, blocks: decodeBlocks);

    [Fact]
    public void Hpa_holds_within_tolerance_and_scales_by_the_metric_ratio_outside_it()
    {
        // Prefill target = midpoint 0.275 s; decode target 0.625 occupancy.
        var within = TwoByTwo(queued: (long)(0.28 * 2 * 12000), decodeBlocks: (int)(0.6 * 30000));
        var d = new HpaPolicy().Decide(within.Now());
        Assert.Equal((2, 2), (d.Prefill.Desired, d.Decode.Desired));

        var hot = TwoByTwo(queued: (long)(0.55 * 2 * 12000), decodeBlocks: (int)(0.6 * 30000));
        Assert.Equal(4, new HpaPolicy().Decide(hot.Now()).Prefill.Desired); // ceil(2 * 0.55 / 0.275)
    }

    [Fact]
    public void Hpa_acts_once_per_sync_period_and_keeps_the_highest_recommendation_for_the_stabilization_window()
    {
        var clock = new FakeTimeProvider(Fleet.T0);
        var policy = new HpaPolicy();
        var hot = TwoByTwo(queued: (long)(0.55 * 2 * 12000), decodeBlocks: 18000);
        Assert.Equal(4, policy.Decide(hot.At(clock.GetUtcNow())).Prefill.Desired);

        // Load vanishes: within the same sync period nothing is recomputed.
        var idle = TwoByTwo(queued: 0, decodeBlocks: 18000);
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(4, policy.Decide(idle.At(clock.GetUtcNow())).Prefill.Desired);

        // After the sync period the raw recommendation is the minimum, but the 300 s window still holds 4.
        clock.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal(2, policy.Decide(idle.At(clock.GetUtcNow())).Prefill.Desired); // current 2, never above current when scaling down

        clock.Advance(TimeSpan.FromSeconds(300));
        Assert.Equal(1, policy.Decide(idle.At(clock.GetUtcNow())).Prefill.Desired);
    }

    [Fact]
    public void Kpa_panics_on_a_burst_and_does_not_scale_down_while_panicking()
    {
        var clock = new FakeTimeProvider(Fleet.T0);
        var policy = new KpaPolicy();
        var quiet = TwoByTwo(queued: 0, decodeBlocks: 18000);
        for (var i = 0; i < 50; i++)
        {
            policy.Decide(quiet.At(clock.GetUtcNow()));
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        // A burst of 10 s of prefill work: the 6 s panic window asks for far more than 2x the current two.
        var burst = TwoByTwo(queued: 120_000, decodeBlocks: 18000);
        var panic = policy.Decide(burst.At(clock.GetUtcNow()));
        Assert.True(panic.Prefill.Desired >= 4, $"panic desired {panic.Prefill.Desired}");

        clock.Advance(TimeSpan.FromSeconds(10));
        var after = policy.Decide(quiet.At(clock.GetUtcNow()));
        Assert.Equal(2, after.Prefill.Desired); // still panicking: no scale-down
    }

    [Fact]
    public void Static_holds_its_counts_whatever_the_load()
    {
        var policy = ScalingPolicies.Create("static:3:4");

        var decision = policy.Decide(TwoByTwo(queued: 0, decodeBlocks: 0).Now());

        Assert.Equal((3, 4), (decision.Prefill.Desired, decision.Decode.Desired));
    }

    [Fact]
    public void Unknown_policy_name_is_rejected_with_the_field_and_the_known_names()
    {
        var error = Assert.Throws<ArgumentException>(() => ScalingPolicies.Create("magic", "--policies"));

        Assert.Contains("--policies", error.Message);
        Assert.Contains("bounds, slo, static, hpa, kpa", error.Message);
    }
}
