using Microsoft.Extensions.Time.Testing;
using Tandem.Scaling.Lifecycle;
using Tandem.Scaling.Policies;

namespace Tandem.Scaling.Tests.Policies;

public class LifecycleTimerTests
{
    [Fact]
    public void Warm_instance_is_kept_for_scale_down_delay_then_unloaded_to_standby()
    {
        var clock = new FakeTimeProvider(Fleet.T0);
        var fleet = new Fleet().Active("p0", InstanceRole.Prefill).Active("d0", InstanceRole.Decode, blocks: 18000)
            .Add("w0", InstanceState.Warm, InstanceRole.Decode);
        fleet.Queued = 3000;
        fleet.Bounds = fleet.Bounds with { ScaleDownDelay = TimeSpan.FromSeconds(30) };
        var policy = new BoundsPolicy();

        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.DoesNotContain(policy.Decide(fleet.At(clock.GetUtcNow())).Actions, a => a is Unload);

        clock.Advance(TimeSpan.FromSeconds(1));
        var unload = Assert.Single(policy.Decide(fleet.At(clock.GetUtcNow())).Actions.OfType<Unload>());
        Assert.Equal("w0", unload.InstanceId);
    }

    [Fact]
    public void Slow_tier_refills_the_standby_buffer_and_deletes_extra_standby_pods_idle_past_the_timeout()
    {
        var fleet = new Fleet().Active("p0", InstanceRole.Prefill).Active("d0", InstanceRole.Decode, blocks: 18000);
        fleet.Queued = 3000;
        fleet.Bounds = fleet.Bounds with { Standby = new StandbySettings(2, TimeSpan.FromSeconds(60)) };

        var refill = Assert.Single(new BoundsPolicy().Decide(fleet.Now()).Actions.OfType<CreatePods>());
        Assert.Equal(2, refill.Count);
        Assert.Null(refill.ForRole);

        fleet.Add("s0", InstanceState.Standby, sinceSeconds: 0).Add("s1", InstanceState.Standby, sinceSeconds: 10)
            .Add("s2", InstanceState.Standby, sinceSeconds: 20).Add("s3", InstanceState.Standby, sinceSeconds: 50);
        var deletes = new BoundsPolicy().Decide(fleet.At(Fleet.T0.AddSeconds(75))).Actions.OfType<DeletePod>().ToArray();

        // Two extra; s0 (75 s idle) and s1 (65 s) passed the 60 s timeout, s2 (55 s) has not.
        Assert.Equal(["s0", "s1"], deletes.Select(d => d.InstanceId));
    }

    [Fact]
    public void Pending_pods_count_toward_a_scale_up_before_new_pods_are_created()
    {
        var fleet = new Fleet().Active("p0", InstanceRole.Prefill).Active("d0", InstanceRole.Decode, blocks: 18000)
            .Add("n0", InstanceState.Pending).Add("n1", InstanceState.Pending);
        fleet.Queued = 12000; // prefill to 5: four more, two of them already pending

        var create = Assert.Single(new BoundsPolicy().Decide(fleet.Now()).Actions.OfType<CreatePods>());

        Assert.Equal(2, create.Count);
    }
}
