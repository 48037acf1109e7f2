namespace Tandem.Scaling.Workload;

/// <summary>
/// Latency targets, as SLOsServe defines attainment: token k (1-based) is due by
/// arrival + <see cref="Ttft"/> + (k - 1) x <see cref="Tpot"/>; a request attains only if every token is on time.
/// </summary>
public sealed record SloTargets(TimeSpan Ttft, TimeSpan Tpot)
{
    /// <summary>True when every token of <paramref name="outcome"/> met its deadline; failed requests never attain.</summary>
    public bool Attained(RequestOutcome outcome)
    {
        if (outcome.Failed || outcome.TokenTimes.Count < Math.Min(1, outcome.OutputTokens))
        {
            return false;
        }

        var ttft = Ttft.TotalSeconds;
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
