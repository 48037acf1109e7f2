using Tandem.Scaling.Models;
using Tandem.Scaling.Workload;

namespace Tandem.Scaling.Simulation;

/// <summary>The oracle's bound split by role, in GPU-seconds (instance-seconds x GPUs per instance).</summary>
public sealed record OracleBound(double PrefillGpuSeconds, double DecodeGpuSeconds)
{
    /// <summary>The lower bound on a run's GPU-seconds.</summary>
    public double GpuSeconds => PrefillGpuSeconds + DecodeGpuSeconds;
}

/// <summary>
/// The SLO-aware clairvoyant lower bound each policy is compared with: the fewest GPU-seconds any fleet can hold that
/// knows the future, loads instantly, and meets every request's deadlines (TTFT, then one token per TPOT). No
/// bucketing, no band, no min. Prefill and decode instance-seconds are disjoint (an instance serves one role at a
/// time), so the bound is the sum of one bound per role:
/// <list type="bullet">
/// <item>prefill: every prompt token takes 1 / R of an instance, and every batch (at most MaxBatchTokens, a longer
/// prompt alone) pays the batch overhead once;</item>
/// <item>decode: the largest of four bounds on decode instance-seconds: (a) KV block-seconds / M, each request
/// holding blocks(prompt + output) for at least its fastest decode, (output - 1) one-sequence steps; (b) output tokens x
/// the least step time per token a batch that still meets TPOT can reach (base / largest batch + per-sequence);
/// (c) prompt tokens / T (a decode instance receives KV at T); (d) the integral over time of the instances needed
/// by the requests that must be decoding at that instant in every deadline-meeting schedule (from the latest moment
/// token 2 can start, TTFT + TPOT after arrival less one step, to the earliest moment the last token can come): at
/// least one, their KV blocks / M, their count / the largest TPOT-meeting batch.</item>
/// </list>
/// A true lower bound: each term counts work every deadline-meeting schedule must do, never an estimate.
/// </summary>
public static class Oracle
{
    /// <summary>The bound's GPU-seconds for <paramref name="trace"/> under <paramref name="slo"/>.</summary>
    public static double GpuSeconds(IReadOnlyList<TraceRequest> trace, ModelNumbers model, SloTargets slo) => Bound(trace, model, slo).GpuSeconds;

    /// <summary>The bound per role.</summary>
    public static OracleBound Bound(IReadOnlyList<TraceRequest> trace, ModelNumbers model, SloTargets slo)
    {
        var overhead = model.PrefillOverhead.TotalSeconds;
        var step1 = model.DecodeStepSeconds(1);
        var perSequence = model.DecodeStepPerSequence.TotalSeconds;
        var tpot = slo.Tpot.TotalSeconds;
        // The largest batch whose step still meets TPOT (at least one: a single sequence always runs).
        var largestBatch = perSequence > 0 ? Math.Max(1, Math.Floor((tpot - model.DecodeStepBase.TotalSeconds) / perSequence)) : double.PositiveInfinity;

        double prefill = 0;
        double blockSeconds = 0;
        double tokenSeconds = 0;
        double transferSeconds = 0;
        var edges = new List<(double At, int Blocks, int Count)>();
        foreach (var r in trace)
        {
            prefill += r.InputTokens / model.PrefillTokensPerSecond + overhead * r.InputTokens / Math.Max(model.MaxBatchTokens, r.InputTokens);
            if (r.OutputTokens <= 1)
            {
                continue;
            }

            var blocks = model.BlocksFor(r.InputTokens + r.OutputTokens);
            if (blocks > model.KvBlocksPerInstance)
            {
                continue; // refused at arrival: no instance can hold it
            }

            var decodeSeconds = (r.OutputTokens - 1) * step1;
            blockSeconds += blocks * decodeSeconds;
            tokenSeconds += (r.OutputTokens - 1) * (perSequence + model.DecodeStepBase.TotalSeconds / largestBatch);
            transferSeconds += r.InputTokens / model.TransferTokensPerSecond;

            var mustStart = r.ArrivalSeconds + slo.TtftSecondsFor(r.InputTokens) + tpot - step1;
            var earliestEnd = r.ArrivalSeconds + model.ZeroLoadPrefillSeconds(r.InputTokens) + decodeSeconds;
            if (earliestEnd > mustStart)
            {
                edges.Add((mustStart, blocks, 1));
                edges.Add((earliestEnd, -blocks, -1));
            }
        }

        var decode = Math.Max(Math.Max(blockSeconds / model.KvBlocksPerInstance, tokenSeconds), Math.Max(transferSeconds, MandatoryDecode(edges, model, largestBatch)));
        return new OracleBound(prefill * model.GpusPerInstance, decode * model.GpusPerInstance);
    }

    /// <summary>Integrates the instances the must-be-decoding requests need, exactly between edges (no time buckets).</summary>
    private static double MandatoryDecode(List<(double At, int Blocks, int Count)> edges, ModelNumbers model, double largestBatch)
    {
        edges.Sort((a, b) => a.At.CompareTo(b.At));
        double total = 0;
        long blocks = 0;
        long count = 0;
        var last = 0.0;
        foreach (var (at, b, c) in edges)
        {
            if (count > 0)
            {
                var needed = Math.Max(1, Math.Max(Math.Ceiling(blocks / (double)model.KvBlocksPerInstance - 1e-9), Math.Ceiling(count / largestBatch - 1e-9)));
                total += needed * (at - last);
            }

            blocks += b;
            count += c;
            last = at;
        }

        return total;
    }
}
