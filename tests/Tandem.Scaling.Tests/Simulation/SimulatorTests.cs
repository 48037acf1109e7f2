using Tandem.Scaling.Models;
using Tandem.Scaling.Policies;
using Tandem.Scaling.Simulation;
using Tandem.Scaling.Workload;

namespace Tandem.Scaling.Tests.Simulation;

public class SimulatorTests
{
    private static readonly ModelNumbers Model = SeedModels.Get("llama3-8b");

    private static SimulationOptions Options(int standby = 0) => new()
    {
        Model = Model,
        Bounds = new ScalingBounds { Standby = new StandbySettings(standby, TimeSpan.FromSeconds(60)) },
    };

    [Fact]
    public void One_request_on_an_idle_fleet_gets_prefill_transfer_and_decode_step_times()
    {
        var result = Simulator.Run([new TraceRequest(0, 1200, 3)], new BoundsPolicy(), Options());

        var tokens = Assert.Single(result.Outcomes).TokenTimes;
        var ttft = 0.010 + 1200 / 12000.0;                 // overhead + prompt / R
        var joined = ttft + 1200 / 60000.0;                // KV transfer at T
        var step = 0.020 + 0.00008;                        // one sequence in the batch (llama3-8b.yaml: decodeStepMillis 20 + 0.08 per request)
        Assert.Equal(3, tokens.Count);
        Assert.Equal(ttft, tokens[0], 9);
        Assert.Equal(joined + step, tokens[1], 9);
        Assert.Equal(joined + 2 * step, tokens[2], 9);
    }

    [Fact]
    public void Gpu_seconds_charge_every_pod_including_standby()
    {
        // Two requests 100 s apart on 1 prefill + 1 decode + 2 standby pods, no scaling needed: 4 GPUs for the whole run.
        var options = Options(standby: 2) with { Bounds = Options(2).Bounds with { Prefill = new RoleBounds(1, 1, new Band(0.15, 0.4)), Decode = new RoleBounds(1, 1, new Band(0.45, 0.8)) } };
        // hpa keeps standby.replicas as set (bounds and slo size the buffer from recent bursts).
        var result = Simulator.Run([new TraceRequest(0, 100, 2), new TraceRequest(100, 100, 2)], new HpaPolicy(), options);

        Assert.Equal(4 * result.EndSeconds, result.GpuSeconds, 6);
        Assert.Equal(2 * result.EndSeconds, result.ReservedGpuSeconds, 6);
        Assert.Equal(2 * result.EndSeconds, result.ServingGpuSeconds, 6);
        Assert.True(result.EndSeconds > 100);
    }

    [Fact]
    public void A_burst_scales_prefill_up_and_the_quiet_after_drains_to_warm_then_unloads_to_standby()
    {
        // 60 s of 40k prompt tokens per second (3.3 instances of work), then one request 200 s later.
        var trace = Enumerable.Range(0, 600).Select(i => new TraceRequest(i * 0.1, 4000, 4)).Append(new TraceRequest(260, 100, 2)).ToArray();
        var options = Options(standby: 2) with { Bounds = Options(2).Bounds with { ScaleDownDelay = TimeSpan.FromSeconds(20) } };

        var result = Simulator.Run(trace, new BoundsPolicy(), options);

        Assert.Contains(result.Events, e => e.Action == "activate");
        Assert.Contains(result.Events, e => e.Action == "create-pods");
        Assert.Contains(result.Events, e => e.Action == "drain");
        Assert.Contains(result.Events, e => e.Action == "unload");
        Assert.True(result.Timeline.Max(s => s.ServingPrefill) >= 4);
        Assert.Equal(1, result.Timeline[^1].ServingPrefill);
        Assert.All(result.Outcomes, o => Assert.False(o.Failed));
        // Every unload comes after that instance's drain by at least scaleDownDelay.
        foreach (var unload in result.Events.Where(e => e.Action == "unload"))
        {
            var drain = result.Events.Last(e => e.Action is "drain" or "mutate" && e.Target == unload.Target && e.Time <= unload.Time);
            Assert.True(unload.Time - drain.Time >= 20, $"{unload.Target} unloaded {unload.Time - drain.Time:0.0} s after its drain");
        }
    }

    [Fact]
    public void Shipped_window_runs_every_policy_to_completion_above_the_oracle()
    {
        var trace = TraceLoader.Load("AzureConv2023-5min", TraceWindow.Parse("0:120"));

        var comparison = PolicyComparison.Run(trace, ["bounds", "slo", "hpa", "kpa", "static:2:2"], Options(standby: 1));

        Assert.True(comparison.OracleGpuSeconds > 0);
        Assert.All(comparison.Runs, run =>
        {
            Assert.Equal(trace.Count, run.Stats.Requests);
            Assert.Equal(0, run.Stats.FailedRequests);
            Assert.InRange(run.Stats.SloAttainment!.Value, 0, 1);
            Assert.True(run.OracleRatio >= 1, $"{run.Name} ratio {run.OracleRatio}");
        });
    }

    [Fact]
    public void Simulation_is_deterministic()
    {
        var trace = TraceLoader.Load("AzureCode2023-5min", TraceWindow.Parse("0:60"), scale: 2);

        var a = Simulator.Run(trace, new BoundsPolicy(), Options(1));
        var b = Simulator.Run(trace, new BoundsPolicy(), Options(1));

        Assert.Equal(a.GpuSeconds, b.GpuSeconds);
        Assert.Equal(a.Events, b.Events);
        Assert.Equal(a.Stats(), b.Stats());
    }
}
