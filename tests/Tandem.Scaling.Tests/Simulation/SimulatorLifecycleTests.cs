using Tandem.Scaling.Models;
using Tandem.Scaling.Policies;
using Tandem.Scaling.Simulation;
using Tandem.Scaling.Workload;

namespace Tandem.Scaling.Tests.Simulation;

public class SimulatorLifecycleTests
{
    private static readonly ModelNumbers Model = SeedModels.Get("llama3-8b");

    /// <summary>A policy that issues fixed actions at the first decision and nothing after.</summary>
    private sealed class Scripted(params ScalingAction[] actions) : IScalingPolicy
    {
        private bool done;

        public string Name => "scripted";

        public ScalingDecision Decide(ScalingInput input)
        {
            var target = new RoleTarget(0, 0, 0);
            var now = done ? [] : actions;
            done = true;
            return new ScalingDecision(target, target, 0, now, "scripted");
        }
    }

    [Fact]
    public void A_mutated_instance_decodes_the_requests_it_prefilled_without_a_kv_transfer()
    {
        var options = new SimulationOptions
        {
            Model = Model,
            Bounds = new ScalingBounds { Prefill = new RoleBounds(2, 2, new Band(0.15, 0.4)), Standby = new StandbySettings(0, TimeSpan.Zero) },
        };

        // i0 takes the request's prefill at t=0; the first decision (also t=0) mutates i0 into a decode instance.
        var result = Simulator.Run([new TraceRequest(0, 1200, 3)], new Scripted(new Mutate("i0", "test")), options);

        var tokens = Assert.Single(result.Outcomes).TokenTimes;
        var step = Model.DecodeStepSeconds(1);
        Assert.Equal(tokens[0] + step, tokens[1], 9); // no 1200 / T transfer before the first decode step
        Assert.Contains(result.Events, e => e.Action == "mutate" && e.Target == "i0");
    }

    [Fact]
    public void Fast_load_activates_standby_instances_from_a_running_peer()
    {
        var trace = Enumerable.Range(0, 300).Select(i => new TraceRequest(i * 0.1, 4000, 4)).ToArray();
        var options = new SimulationOptions
        {
            Model = Model,
            Bounds = new ScalingBounds { Standby = new StandbySettings(3, TimeSpan.FromSeconds(60)), Features = ScalingFeatures.FastLoad },
        };

        var result = Simulator.Run(trace, new BoundsPolicy(), options);

        Assert.Contains(result.Events, e => e.Action == "activate" && e.Target.Contains("from peer(", StringComparison.Ordinal));
        Assert.DoesNotContain(result.Events, e => e.Action == "activate" && e.Target.EndsWith("from storage", StringComparison.Ordinal));
    }

    [Fact]
    public void Deleting_a_pod_that_serves_is_refused_as_a_policy_bug()
    {
        var options = new SimulationOptions { Model = Model, Bounds = new ScalingBounds { Standby = new StandbySettings(0, TimeSpan.Zero) } };

        var error = Assert.Throws<InvalidOperationException>(() =>
            Simulator.Run([new TraceRequest(0, 100, 2)], new Scripted(new DeletePod("i0", "test")), options));

        Assert.Contains("i0", error.Message);
    }

    [Fact]
    public void Live_scaling_lets_an_instance_loading_from_a_peer_prefill_at_half_speed_before_its_load_ends()
    {
        var options = new SimulationOptions
        {
            Model = Model with { LoadFromPeer = TimeSpan.FromSeconds(5) },
            Bounds = new ScalingBounds { Standby = new StandbySettings(1, TimeSpan.FromSeconds(60)), Features = ScalingFeatures.FastLoad | ScalingFeatures.LiveScaling },
        };

        // i0 (prefill) is busy with a long prompt when the first decision activates standby i2 as prefill from peer i0.
        var trace = new[] { new TraceRequest(0, 12000, 2), new TraceRequest(0.001, 1200, 2) };
        var result = Simulator.Run(trace, new Scripted(new ActivateStandby("i2", Tandem.Scaling.Lifecycle.InstanceRole.Prefill, WeightSource.Peer("i0"), "test")), options);

        // The second prompt arrives after that decision and goes straight to the loading i2.
        var second = result.Outcomes[1];
        Assert.Equal(0.001 + 0.010 + 1200 / 6000.0, second.TokenTimes[0], 9); // half of R = 12000
        Assert.True(second.TokenTimes[0] < 5);                                   // long before the load ends
    }
}
