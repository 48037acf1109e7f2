namespace Tandem.Scaling.Workload;

/// <summary>
/// What happened to one request: its arrival and the time each output token arrived (seconds on the run's clock),
/// or why it failed. The load generator measures it; the simulator computes it.
/// </summary>
public sealed record RequestOutcome(double ArrivalSeconds, int InputTokens, int OutputTokens, IReadOnlyList<double> TokenTimes, string? Error = null)
{
    public bool Failed => Error is not null || TokenTimes.Count == 0;

    /// <summary>Time to first token, in seconds.</summary>
    public double Ttft => TokenTimes[0] - ArrivalSeconds;

    /// <summary>Mean time per output token after the first, in seconds (0 for one-token answers).</summary>
    public double Tpot => TokenTimes.Count > 1 ? (TokenTimes[^1] - TokenTimes[0]) / (TokenTimes.Count - 1) : 0;

    /// <summary>End-to-end latency, in seconds.</summary>
    public double Latency => TokenTimes[^1] - ArrivalSeconds;

    /// <summary>A request that failed before producing a token.</summary>
    public static RequestOutcome Failure(double arrival, int input, int output, string error) =>
        new(arrival, input, output, Array.Empty<double>(), error);
}
