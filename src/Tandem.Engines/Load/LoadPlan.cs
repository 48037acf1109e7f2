using Tandem.Scaling.Workload;

namespace Tandem.Engines.Load;

/// <summary>The requests a load run sends: arrival offsets (seconds from the start) with input and output lengths.</summary>
public sealed record LoadPlan(IReadOnlyList<TraceRequest> Requests)
{
    /// <summary>A trace window replayed at <paramref name="scale"/> times its request rate.</summary>
    public static LoadPlan FromTrace(string trace, TraceWindow window, double scale) => new(TraceLoader.Load(trace, window, scale));

    /// <summary>
    /// <paramref name="count"/> requests of fixed lengths arriving as a Poisson process of <paramref name="rate"/> requests/s
    /// (like vLLM's benchmark client); an infinite rate sends them all at once. A seed makes the arrivals repeatable.
    /// </summary>
    public static LoadPlan FixedRate(double rate, int count, int inputTokens, int outputTokens, int seed = 0)
    {
        Require(rate > 0, "--rate", $"must be > 0 (got {rate}); use 'inf' to send every request at once");
        Require(count >= 1, "--requests", $"must be >= 1 (got {count})");
        Require(inputTokens >= 1, "--input-len", $"must be >= 1 (got {inputTokens})");
        Require(outputTokens >= 1, "--output-len", $"must be >= 1 (got {outputTokens})");
        var random = new Random(seed);
        var at = 0.0;
        var requests = new TraceRequest[count];
        for (var i = 0; i < count; i++)
        {
            requests[i] = new TraceRequest(at, inputTokens, outputTokens);
            if (!double.IsPositiveInfinity(rate))
            {
                at += -Math.Log(1 - random.NextDouble()) / rate;
            }
        }

        return new LoadPlan(requests);
    }

    private static void Require(bool ok, string flag, string rule)
    {
        if (!ok)
        {
            throw new ArgumentException($"{flag}: {rule}.");
        }
    }
}
