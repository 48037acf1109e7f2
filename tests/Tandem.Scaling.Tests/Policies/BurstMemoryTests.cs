using Tandem.Scaling.Lifecycle;
using Tandem.Scaling.Policies;

namespace Tandem.Scaling.Tests.Policies;

public class BurstMemoryTests
{
    private static readonly ScalingBounds Bounds = new();

    private static ScalingInput Load(double second, double rate) =>
        new(Fleet.T0.AddSeconds(second), Fleet.Model, Bounds, new RouterLoad(0) { PromptTokensPerSecond = rate, FastPromptTokensPerSecond = rate }, []);

    [Fact]
    public void Before_any_lull_the_hold_is_the_time_a_drained_instance_keeps_its_gpus_anyway()
    {
        var memory = new BurstMemory();
        memory.Observe(Load(0, 1000));

        Assert.Equal(ScaleDownHold.For(Bounds), memory.HoldFor(Bounds));
    }

    [Fact]
    public void The_hold_outlasts_nine_in_ten_of_the_remembered_lulls()
    {
        var memory = new BurstMemory();
        var t = 0.0;
        // Ten lulls of 100, 200, ..., 1000 s, each ended by a burst of one busy second.
        for (var k = 1; k <= 10; k++)
        {
            memory.Observe(Load(t, 5000));
            memory.Observe(Load(t + 1, 0));
            t += 1 + k * 100;
        }

        memory.Observe(Load(t, 5000));

        Assert.Equal(10, memory.Count);
        Assert.Equal(TimeSpan.FromSeconds(900), memory.HoldFor(Bounds));
    }

    [Fact]
    public void Short_lulls_never_shorten_the_hold_below_its_floor()
    {
        var memory = new BurstMemory();
        for (var k = 0; k < 50; k++)
        {
            memory.Observe(Load(k * 10, 5000));
            memory.Observe(Load(k * 10 + 5, 0));
        }

        Assert.Equal(BurstMemory.Remembered, memory.Count);
        Assert.Equal(ScaleDownHold.For(Bounds), memory.HoldFor(Bounds));
    }

    [Fact]
    public void A_drain_undone_within_the_hold_never_deletes_a_standby_pod()
    {
        // A warm instance (drained, weights resident) beside the one standby pod the buffer asks for, idle past idleTimeout:
        // the warm instance may be taken back, so the standby pod stays (deleting it made the next scale-up cold-start one).
        var fleet = new Fleet { Bounds = new ScalingBounds { Standby = new StandbySettings(1, TimeSpan.FromSeconds(60)) } }
            .Active("p0", InstanceRole.Prefill).Active("d0", InstanceRole.Decode)
            .Add("w0", InstanceState.Warm, InstanceRole.Prefill, sinceSeconds: 0)
            .Add("s0", InstanceState.Standby, sinceSeconds: 0);

        var actions = FleetPlanner.Plan(fleet.At(Fleet.T0.AddSeconds(20)), 1, 1, 1);

        Assert.DoesNotContain(actions, a => a is DeletePod);
        Assert.DoesNotContain(actions, a => a is CreatePods);
    }

    [Fact]
    public void The_standby_buffer_follows_recent_shortfalls_beyond_the_warm_tier_and_empties_after_the_hold()
    {
        var bounds = new ScalingBounds { Standby = new StandbySettings(3, TimeSpan.FromSeconds(60)) { SizeFromBursts = true } };
        var memory = new BurstMemory();
        ScalingInput At(double second, params InstanceView[] instances) =>
            new(Fleet.T0.AddSeconds(second), Fleet.Model, bounds, new RouterLoad(0) { PromptTokensPerSecond = 1000 }, instances);
        int Buffer(ScalingInput input, int growPrefill, int growDecode)
        {
            memory.Observe(input); // the policies observe every decision before they plan
            return memory.StandbyBuffer(input, growPrefill, growDecode);
        }

        var warm = new InstanceView("w0", InstanceRole.Prefill, InstanceState.Warm, Fleet.T0);
        var hold = ScaleDownHold.For(bounds).TotalSeconds;

        Assert.Equal(3, Buffer(At(0), 0, 0));                       // no history yet: standby.replicas
        Assert.Equal(2, Buffer(At(hold + 1, warm), 3, 0));         // 3 wanted, 1 warm: 2 beyond the warm tier
        Assert.Equal(2, Buffer(At(hold + 2, warm), 1, 0));         // absorbed by warm, the 2 is remembered
        Assert.Equal(0, Buffer(At(2 * hold + 2), 0, 0));           // one busy hold later nothing needed standby
        Assert.Equal(3, Buffer(At(2 * hold + 3), 5, 2));           // never above standby.replicas
        var fixedBuffer = new BurstMemory();
        Assert.Equal(3, fixedBuffer.StandbyBuffer(At(0) with { Bounds = new ScalingBounds { Standby = new StandbySettings(3, TimeSpan.FromSeconds(60)) } }, 0, 0));
        Assert.Equal(3, fixedBuffer.StandbyBuffer(At(10 * hold) with { Bounds = new ScalingBounds { Standby = new StandbySettings(3, TimeSpan.FromSeconds(60)) } }, 0, 0));
    }

    [Fact]
    public void A_lull_does_not_age_a_remembered_shortfall_only_busy_time_without_one_does()
    {
        // The onset after a long lull is when the buffer is all the fast tier has left: a shortfall seen before the lull
        // must still size the buffer then, however long the lull was (on the code trace the pod was deleted in every
        // lull longer than the hold and the next burst waited for cold starts).
        var bounds = new ScalingBounds { Standby = new StandbySettings(2, TimeSpan.FromSeconds(60)) { SizeFromBursts = true } };
        var memory = new BurstMemory();
        int Buffer(double second, double rate, int growPrefill)
        {
            var input = new ScalingInput(Fleet.T0.AddSeconds(second), Fleet.Model, bounds, new RouterLoad(0) { PromptTokensPerSecond = rate, FastPromptTokensPerSecond = rate }, []);
            memory.Observe(input);
            return memory.StandbyBuffer(input, growPrefill, 0);
        }

        var hold = ScaleDownHold.For(bounds).TotalSeconds;
        for (var t = 0; t <= hold; t += 10)
        {
            Buffer(t, 5000, 0);                                    // a busy first hold: the history starts
        }

        Assert.Equal(2, Buffer(hold + 10, 70000, 4));               // a burst 4 beyond the fast tier: the whole buffer
        for (var t = hold + 20; t <= 11 * hold; t += 10)
        {
            Assert.Equal(2, Buffer(t, 0, 0));                       // ten holds of lull: still remembered
        }

        Assert.Equal(2, Buffer(11 * hold + 10, 5000, 0));          // load is back, absorbed by the instances with weights
        var remembered = memory.HoldFor(bounds).TotalSeconds;      // the lull itself lengthened the hold
        Assert.Equal(2, Buffer(11 * hold + 10 + remembered - 20, 5000, 0));
        Assert.Equal(0, Buffer(11 * hold + 10 + remembered + 20, 5000, 0)); // one busy hold without a shortfall: forgotten
    }
}
