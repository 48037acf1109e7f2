namespace Tandem.Scaling.Workload;

/// <summary>
/// The stats table of a run (DESIGN §4), shared by <c>tandem load</c>, <c>sim</c>, <c>bench</c> and <c>demo</c>.
/// Latencies are in milliseconds; JSON names are the camelCase property names.
/// </summary>
public sealed record RunStats
{
    public int Requests { get; init; }
    public int FailedRequests { get; init; }
    public double DurationSeconds { get; init; }
    public double RequestsPerSecond { get; init; }
    public double OutputTokensPerSecond { get; init; }
    public double LatencyAvgMs { get; init; }
    public double LatencyP50Ms { get; init; }
    public double LatencyP90Ms { get; init; }
    public double LatencyP99Ms { get; init; }
    public double TtftP50Ms { get; init; }
    public double TtftP99Ms { get; init; }
    public double TpotP50Ms { get; init; }
    public double TpotP99Ms { get; init; }
    public double AverageInputTokens { get; init; }
    public double AverageOutputTokens { get; init; }
    public double AverageInFlight { get; init; }

    /// <summary>Share of requests that met every token deadline (0..1); null when no SLO was given.</summary>
    public double? SloAttainment { get; init; }

    /// <summary>GPU-seconds held during the run, where the runner knows them.</summary>
    public double? GpuSeconds { get; init; }
}
