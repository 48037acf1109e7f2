using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Tandem.Scaling.Models;
using Tandem.Scaling.Policies;
using Tandem.Scaling.Simulation;
using Tandem.Scaling.Workload;

namespace Tandem.Scaling.Tests.Simulation;

/// <summary>A random short trace: bursts and lulls of prompts of mixed length.</summary>
public sealed record RandomTrace(TraceRequest[] Requests)
{
    public override string ToString() => string.Join(" ", Requests.Select(r => $"({r.ArrivalSeconds:0.##},{r.InputTokens},{r.OutputTokens})"));
}

/// <summary>FsCheck generators for <see cref="RandomTrace"/>.</summary>
public static class RandomTraceArbitrary
{
    public static Arbitrary<RandomTrace> Traces() => Arb.From(
        from gaps in Gen.ListOf(Gen.Choose(0, 3000)).Select(g => g.Take(60).ToArray())
        from inputs in Gen.ArrayOf(Gen.Choose(1, 20_000), 60)
        from outputs in Gen.ArrayOf(Gen.Choose(1, 600), 60)
        select Build(gaps, inputs, outputs));

    private static RandomTrace Build(int[] gapsMs, int[] inputs, int[] outputs)
    {
        var at = 0.0;
        var requests = new TraceRequest[Math.Max(gapsMs.Length, 1)];
        for (var k = 0; k < requests.Length; k++)
        {
            at += k < gapsMs.Length ? gapsMs[k] / 1000.0 : 0;
            requests[k] = new TraceRequest(at, inputs[k], outputs[k]);
        }

        return new RandomTrace(requests);
    }
}

public class YardstickTests
{
    private static readonly ModelNumbers Model = SeedModels.Get("llama3-8b");

    private static SimulationOptions Options(int standby = 1) => new()
    {
        Model = Model,
        Bounds = new ScalingBounds { Standby = new StandbySettings(standby, TimeSpan.FromSeconds(60)) },
    };

    [Fact]
    public void Oracle_of_a_short_answer_is_its_prefill_work_and_its_kv_transfer()
    {
        // 1200 prompt tokens, 3 output tokens: TTFT deadline 3 x 0.11 s leaves decode no instant it must run.
        var bound = Oracle.Bound([new TraceRequest(0, 1200, 3)], Model, Model.DefaultSlo());

        Assert.Equal(1200 / 12000.0 + 0.010 * 1200 / 16384, bound.PrefillGpuSeconds, 9);
        Assert.Equal(1200 / 60000.0, bound.DecodeGpuSeconds, 9);
    }

    [Fact]
    public void Oracle_holds_one_decode_instance_while_a_long_answer_must_be_decoding()
    {
        // 100 prompt tokens, 1001 output tokens: from TTFT + TPOT (less one step) after arrival to the fastest possible end.
        var slo = Model.DefaultSlo();
        var bound = Oracle.Bound([new TraceRequest(5, 100, 1001)], Model, slo);

        var step = 0.020 + 0.00008;                        // llama3-8b.yaml: decodeStepMillis 20 + 0.08 per request
        var mustStart = slo.TtftSecondsFor(100) + 0.1 - step;
        var earliestEnd = 0.010 + 100 / 12000.0 + 1000 * step;
        Assert.Equal(earliestEnd - mustStart, bound.DecodeGpuSeconds, 9);
    }

    [Fact]
    public void Oracle_does_not_depend_on_bounds_min_or_band()
    {
        var trace = TraceLoader.Load("AzureConv2023-5min", TraceWindow.Parse("0:60"));
        var wide = Options() with { Bounds = new ScalingBounds { Prefill = new RoleBounds(5, 20, new Band(0.01, 0.02)), Decode = new RoleBounds(5, 20, new Band(0.1, 0.2)) } };

        Assert.Equal(PolicyComparison.Run(trace, ["static:1:1"], Options()).OracleGpuSeconds, PolicyComparison.Run(trace, ["static:1:1"], wide).OracleGpuSeconds);
    }

    [Property(Arbitrary = [typeof(RandomTraceArbitrary)], MaxTest = 25)]
    public bool No_policy_spends_fewer_gpu_seconds_than_the_oracle(RandomTrace trace)
    {
        var oracle = Oracle.GpuSeconds(trace.Requests, Model, Model.DefaultSlo());
        return new[] { "bounds", "slo", "hpa", "kpa", "static:1:1" }
            .All(p => Simulator.Run(trace.Requests, ScalingPolicies.Create(p), Options(standby: 0)).GpuSeconds >= oracle - 1e-9);
    }

    [Property(Arbitrary = [typeof(RandomTraceArbitrary)], MaxTest = 15)]
    public bool Fair_static_reaches_the_target_and_no_smaller_neighbour_does(RandomTrace trace)
    {
        var options = Options();
        var fair = FairStatic.Find(trace.Requests, options, 0.9);
        double Attainment(int p, int d) => Simulator.Run(trace.Requests, new StaticPolicy(p, d), options).Stats().SloAttainment!.Value;

        return fair.Attainment >= 0.9
            && (fair.Prefill == 1 || Attainment(fair.Prefill - 1, fair.Decode) < 0.9)
            && (fair.Decode == 1 || Attainment(fair.Prefill, fair.Decode - 1) < 0.9)
            && fair.Result.ReservedGpuSeconds == 0;
    }

    [Fact]
    public void Fair_static_on_a_shipped_window_is_the_default_static_baseline()
    {
        var trace = TraceLoader.Load("AzureCode2023-5min", TraceWindow.Parse("0:120"));

        var comparison = PolicyComparison.Run(trace, ["bounds", "static"], Options());

        var fair = comparison.Runs.Single(r => r.Name.EndsWith("(fair)", StringComparison.Ordinal));
        Assert.Equal($"{comparison.FairStatic.Name} (fair)", fair.Name);
        Assert.True(fair.Stats.SloAttainment >= 0.99);
        Assert.Equal(1, fair.FairStaticRatio, 9);
        Assert.Equal(0, fair.Result.ReservedGpuSeconds);
        var json = comparison.ToJson(withTimeline: false);
        Assert.Equal(comparison.FairStatic.Prefill, json["fairStatic"]!["prefill"]!.GetValue<int>());
        Assert.True(json["policies"]![0]!["reservedGpuSeconds"]!.GetValue<double>() > 0);
    }

    [Fact]
    public void Static_counts_above_the_bounds_max_are_honoured_without_standby()
    {
        var trace = new[] { new TraceRequest(0, 100, 2), new TraceRequest(10, 100, 2) };

        var result = Simulator.Run(trace, ScalingPolicies.Create("static:20:2"), Options(standby: 3));

        Assert.All(result.Timeline, s => Assert.Equal(20, s.ServingPrefill));
        Assert.Equal(22 * result.EndSeconds, result.GpuSeconds, 6);
        Assert.Equal(0, result.ReservedGpuSeconds);
    }

    [Fact]
    public void An_attainment_target_outside_zero_to_one_is_refused_naming_the_flag()
    {
        var e = Assert.Throws<ArgumentException>(() => FairStatic.Find([new TraceRequest(0, 100, 2)], Options(), 1.5));
        Assert.StartsWith("--target:", e.Message, StringComparison.Ordinal);
    }
}
