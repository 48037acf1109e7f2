namespace Tandem.Scaling.Workload;

/// <summary>Computes <see cref="RunStats"/> from request outcomes.</summary>
public static class RunStatsCalculator
{
    /// <summary>
    /// Summarises <paramref name="outcomes"/>. Rates use the span from the first arrival to the last token; average
    /// in-flight is total latency over that span (Little's law).
    /// </summary>
    public static RunStats Compute(IReadOnlyCollection<RequestOutcome> outcomes, SloTargets? slo = null, double? gpuSeconds = null)
    {
        var done = outcomes.Where(o => !o.Failed).ToArray();
        var failed = outcomes.Count - done.Length;
        if (outcomes.Count == 0)
        {
            return new RunStats { SloAttainment = slo is null ? null : 0, GpuSeconds = gpuSeconds };
        }

        var start = outcomes.Min(o => o.ArrivalSeconds);
        var end = done.Length > 0 ? Math.Max(done.Max(o => o.TokenTimes[^1]), start) : start;
        var span = Math.Max(end - start, 1e-9);
        var latencies = done.Select(o => o.Latency * 1000).ToArray();
        var ttfts = done.Select(o => o.Ttft * 1000).ToArray();
        var tpots = done.Where(o => o.TokenTimes.Count > 1).Select(o => o.Tpot * 1000).ToArray();
        return new RunStats
        {
            Requests = outcomes.Count,
            FailedRequests = failed,
            DurationSeconds = end - start,
            RequestsPerSecond = done.Length / span,
            OutputTokensPerSecond = done.Sum(o => (double)o.TokenTimes.Count) / span,
            LatencyAvgMs = latencies.Length > 0 ? latencies.Average() : 0,
            LatencyP50Ms = Percentile.Of(latencies, 50),
            LatencyP90Ms = Percentile.Of(latencies, 90),
            LatencyP99Ms = Percentile.Of(latencies, 99),
            TtftP50Ms = Percentile.Of(ttfts, 50),
            TtftP99Ms = Percentile.Of(ttfts, 99),
            TpotP50Ms = Percentile.Of(tpots, 50),
            TpotP99Ms = Percentile.Of(tpots, 99),
            AverageInputTokens = outcomes.Average(o => (double)o.InputTokens),
            AverageOutputTokens = outcomes.Average(o => (double)o.OutputTokens),
            AverageInFlight = latencies.Sum() / 1000 / span,
            SloAttainment = slo is null ? null : outcomes.Count(slo.Attained) / (double)outcomes.Count,
            GpuSeconds = gpuSeconds,
        };
    }
}
