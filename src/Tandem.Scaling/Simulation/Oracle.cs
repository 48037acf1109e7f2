using Tandem.Scaling.Models;
using Tandem.Scaling.Policies;
using Tandem.Scaling.Workload;

namespace Tandem.Scaling.Simulation;

/// <summary>
/// The lower bound each policy is compared with: GPU-seconds of a fleet that knows the future and loads instantly,
/// holding each second the fewest instances that keep up with that second's work: prefill ceil(prompt tokens / R);
/// decode the larger of ceil(KV block-seconds / (decode upper band x M)) and ceil(prompt tokens / T), with requests
/// timed as on an idle fleet; each role at least its min.
/// </summary>
public static class Oracle
{
    public static double GpuSeconds(IReadOnlyList<TraceRequest> trace, ModelNumbers model, ScalingBounds bounds)
    {
        if (trace.Count == 0)
        {
            return 0;
        }

        var step = model.DecodeStepSeconds(1);
        var horizon = (int)Math.Ceiling(trace.Max(r => r.ArrivalSeconds + model.ZeroLoadPrefillSeconds(r.InputTokens) + (r.OutputTokens - 1) * step)) + 1;
        var prompt = new double[horizon];
        var blockSeconds = new double[horizon];
        foreach (var r in trace)
        {
            prompt[(int)r.ArrivalSeconds] += r.InputTokens;
            var start = r.ArrivalSeconds + model.ZeroLoadPrefillSeconds(r.InputTokens);
            var end = start + (r.OutputTokens - 1) * step;
            var blocks = model.BlocksFor(r.InputTokens + r.OutputTokens);
            for (var s = (int)start; s < horizon && s < end; s++)
            {
                blockSeconds[s] += blocks * (Math.Min(end, s + 1) - Math.Max(start, s));
            }
        }

        double total = 0;
        for (var s = 0; s < horizon; s++)
        {
            var p = Math.Max(bounds.Prefill.Min, BandMath.CeilCount(prompt[s] / model.PrefillTokensPerSecond));
            var d = Math.Max(bounds.Decode.Min, Math.Max(
                BandMath.CeilCount(blockSeconds[s] / (bounds.Decode.Utilization.Upper * model.KvBlocksPerInstance)),
                BandMath.CeilCount(prompt[s] / model.TransferTokensPerSecond)));
            total += (p + d) * model.GpusPerInstance;
        }

        return total;
    }
}
