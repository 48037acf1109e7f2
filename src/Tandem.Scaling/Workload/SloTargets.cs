namespace Tandem.Scaling.Workload;

/// <summary>
/// Latency targets, as SLOsServe defines attainment: token k (1-based) is due by
/// arrival + <see cref="Ttft"/> + (k - 1) x <see cref="Tpot"/>; a request attains only if every token is on time.
/// </summary>
public sealed record SloTargets(TimeSpan Ttft, TimeSpan Tpot)
{
    /// <summary>
    /// Extra TTFT allowance per prompt token, in seconds, so the TTFT deadline can scale with the prompt (a default
    /// SLO of 3 x the zero-load prefill time sets this to 3 / R); 0 keeps a fixed TTFT target.
    /// </summary>
    public double TtftSecondsPerInputToken { get; init; }

    /// <summary>The TTFT deadline of a request with <paramref name="inputTokens"/> prompt tokens, in seconds after arrival.</summary>
    public double TtftSecondsFor(int inputTokens) => Ttft.TotalSeconds + inputTokens * TtftSecondsPerInputToken;

    /// <summary>True when every token of <paramref name="outcome"/> met its deadline; failed requests never attain.</summary>
    public bool Attained(RequestOutcome outcome)
    {
        if (outcome.Failed || outcome.TokenTimes.Count < Math.Min(1, outcome.OutputTokens))
        {
            return false;
        }

        var ttft = TtftSecondsFor(outcome.InputTokens);
        var tpot = Tpot.TotalSeconds;
        for (var k = 0; k < outcome.TokenTimes.Count; k++)
        {
            // A small epsilon keeps floating-point rounding from failing a token that is exactly on time.
            if (outcome.TokenTimes[k] > outcome.ArrivalSeconds + ttft + k * tpot + 1e-9)
            {
                return false;
            }
        }

        return true;
    }
}
