using Tandem.Scaling.Lifecycle;
using Tandem.Scaling.Policies;

namespace Tandem.Scaling.Tests.Policies;

public class SloPolicyTests
{
    private static Fleet WithSlo(long queued, int prefill, int decode, int runningPerDecode = 0)
    {
        var fleet = new Fleet { Queued = queued };
        fleet.Bounds = fleet.Bounds with { Slo = new SloSettings(TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(100)) };
        for (var i = 0; i < prefill; i++)
        {
            fleet.Active($"p{i}", InstanceRole.Prefill);
        }

        for (var i = 0; i < decode; i++)
        {
            fleet.Active($"d{i}", InstanceRole.Decode, blocks: 100, running: runningPerDecode);
        }

        return fleet;
    }

    [Fact]
    public void Slo_scales_prefill_up_to_the_fewest_instances_whose_predicted_ttft_fits_the_headroom()
    {
        // Predicted TTFT(N) = 48000 / (N * 12000) + (0.01 + 1024/12000); must be <= 0.8 s -> N = 6.
        var decision = new SloPolicy().Decide(WithSlo(queued: 48000, prefill: 1, decode: 1).Now());

        Assert.Equal(6, decision.Prefill.Desired);
    }

    [Fact]
    public void Slo_removes_an_instance_only_when_one_fewer_still_meets_the_target()
    {
        // 4 prefill, W = 24000: TTFT(3) = 0.667 + 0.095 = 0.76 <= 0.8 -> remove one; TTFT(2) = 1.1 would break it.
        var fleet = WithSlo(queued: 24000, prefill: 4, decode: 1);
        var policy = new SloPolicy();
        Assert.Equal(4, policy.Decide(fleet.Now()).Prefill.Desired); // one fewer would do, but not yet for the hold
        var down = policy.Decide(fleet.At(Fleet.T0 + ScaleDownHold.For(fleet.Bounds)));
        Assert.Equal(3, down.Prefill.Desired);

        var three = WithSlo(queued: 24000, prefill: 3, decode: 1);
        var kept = new SloPolicy();
        kept.Decide(three.Now());
        var hold = kept.Decide(three.At(Fleet.T0 + ScaleDownHold.For(three.Bounds)));
        Assert.Equal(3, hold.Prefill.Desired);
    }

    [Fact]
    public void Slo_grows_decode_when_the_predicted_tpot_would_break_the_target()
    {
        // TPOT(N) = 14 ms + 0.08 ms x running / N must stay <= 80 ms: 1800 running sequences need 3 instances.
        var decision = new SloPolicy().Decide(WithSlo(queued: 0, prefill: 1, decode: 1, runningPerDecode: 1800).Now());

        Assert.Equal(3, decision.Decode.Desired);
    }
}
