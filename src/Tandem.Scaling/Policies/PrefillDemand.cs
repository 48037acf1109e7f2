using Tandem.Scaling.Lifecycle;

namespace Tandem.Scaling.Policies;

/// <summary>
/// The prefill load bounds and slo plan for: the queue W plus the prompt tokens that arrive within
/// <see cref="ArrivalHorizon"/> at the router's measured rate (<see cref="RouterLoad.PromptTokensPerSecond"/>). A queue
/// alone reads zero whenever the pool keeps up, so a queue-only policy shrinks until requests wait; the rate sees the
/// work before it queues. Without a measured rate this is W alone.
/// </summary>
public static class PrefillDemand
{
    /// <summary>Arrivals this far ahead count as queued work (half a second measured best on the Azure 2023 traces).</summary>
    public static readonly TimeSpan ArrivalHorizon = TimeSpan.FromSeconds(0.5);

    /// <summary>Prompt tokens arriving within <see cref="ArrivalHorizon"/>, 0 when the caller measures no rate.</summary>
    public static double Arriving(RouterLoad load) => Math.Max(0, load.PlanningRate ?? 0) * ArrivalHorizon.TotalSeconds;

    /// <summary>W plus <see cref="Arriving"/>: the prompt tokens prefill utilization is computed from.</summary>
    public static double Tokens(RouterLoad load) => load.QueuedPromptTokens + Arriving(load);

    /// <summary>
    /// Caps a prefill scale-up so that cold starts are asked only for the sustained load: the fast tier (a cancelled
    /// prefill drain, warm and standby instances) may fill all of <paramref name="wanted"/>, but pods created now
    /// arrive after a cold start, when a queue burst is long served, and would only idle; so beyond the fast tier the target
    /// is at most <paramref name="sustained"/> (the count the arrival rate alone needs). Without a measured rate nothing is capped.
    /// </summary>
    public static int CapColdStarts(ScalingInput input, int serving, int wanted, int sustained)
    {
        if (wanted <= serving || input.Load.PromptTokensPerSecond is null)
        {
            return wanted;
        }

        var fastTier = input.Instances.Count(i =>
            i.State is InstanceState.Warm or InstanceState.Standby
            || (i.State == InstanceState.Draining && i.Role == InstanceRole.Prefill));
        return Math.Max(Math.Min(wanted, serving + fastTier), Math.Min(wanted, sustained));
    }
}
