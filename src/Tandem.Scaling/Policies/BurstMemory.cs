using Tandem.Scaling.Lifecycle;

namespace Tandem.Scaling.Policies;

/// <summary>
/// The workload's own recent history of lulls (spans with no prompt arriving and none queued), which tells how long
/// prefill capacity is worth keeping after a burst: a lull that ends within the hold meets the next burst with the
/// capacity still serving; a lull longer than the hold gives the capacity back. The hold is the
/// <see cref="ScalingBounds.LullQuantile"/> quantile (default <see cref="LullQuantile"/>) of the last <see cref="Remembered"/> lulls, at least the time a drained instance
/// holds its GPUs anyway (<see cref="ScaleDownHold.For"/>: draining sooner saves nothing); before any lull is seen the
/// hold is that floor. One object per deployment (the policy object holds it).
/// </summary>
public sealed class BurstMemory
{
    /// <summary>Lulls remembered (the most recent ones): the history a hold is computed from.</summary>
    public const int Remembered = 32;

    /// <summary>The default share of remembered lulls the hold outlasts (swept on the targets grid: docs/policies/yardsticks.md).</summary>
    public const double LullQuantile = 0.9;

    private readonly Queue<double> lulls = new();
    private DateTimeOffset? quietSince;
    private double[] sorted = [];
    private DateTimeOffset? lastObserved;
    private bool lastBusy;
    private double busySeconds;

    /// <summary>Records one decision's load: a lull starts when nothing arrives or waits, and ends when a prompt does.</summary>
    public void Observe(ScalingInput input)
    {
        var busy = input.Load.QueuedPromptTokens > 0 || (input.Load.FastPromptTokensPerSecond ?? input.Load.PromptTokensPerSecond ?? 0) > 0;
        if (lastBusy && lastObserved is { } last && input.Now > last)
        {
            busySeconds += (input.Now - last).TotalSeconds;
        }

        (lastObserved, lastBusy) = (input.Now, busy);
        if (!busy)
        {
            quietSince ??= input.Now;
            return;
        }

        if (quietSince is { } since && input.Now > since)
        {
            lulls.Enqueue((input.Now - since).TotalSeconds);
            if (lulls.Count > Remembered)
            {
                lulls.Dequeue();
            }

            sorted = lulls.Order().ToArray();
        }

        quietSince = null;
    }

    /// <summary>Lulls remembered so far.</summary>
    public int Count => lulls.Count;

    /// <summary>How long a role must be over-provisioned before prefill gives an instance back.</summary>
    public TimeSpan HoldFor(ScalingBounds bounds)
    {
        var floor = ScaleDownHold.For(bounds);
        if (sorted.Length == 0)
        {
            return floor;
        }

        var k = Math.Min(sorted.Length - 1, (int)Math.Ceiling(bounds.LullQuantile * sorted.Length) - 1);
        var hold = TimeSpan.FromSeconds(sorted[Math.Max(k, 0)]);
        return hold > floor ? hold : floor;
    }

    private readonly Queue<(double BusyAt, int Shortfall)> shortfalls = new();
    private DateTimeOffset? firstSeen;

    /// <summary>
    /// The standby pods worth keeping: the largest recent burst the instances with weights could not absorb (a
    /// scale-up's instances beyond the warm and draining ones), remembered for the hold (<see cref="HoldFor"/>: as long
    /// as the lull history says the next burst is likely) counted in busy time (decisions observed with load, see
    /// <see cref="Observe"/>): a lull is no evidence that bursts stopped needing the buffer, and the onset after a lull
    /// longer than the hold is when the buffer is all the fast tier has left; at most <c>standby.replicas</c>. Until one hold has passed
    /// there is no history and the buffer is <c>standby.replicas</c>; so it is unless <see cref="StandbySettings.SizeFromBursts"/>. A standby pod holds a GPU all the time it waits,
    /// so a workload whose bursts the warm tier absorbs keeps none (on the conv trace it was a quarter of the GPU-seconds).
    /// </summary>
    public int StandbyBuffer(ScalingInput input, int growPrefill, int growDecode)
    {
        firstSeen ??= input.Now;
        var replicas = input.Bounds.Standby.Replicas;
        var withWeights = input.Instances.Count(i => i.State is InstanceState.Warm or InstanceState.Draining);
        var shortfall = Math.Max(0, growPrefill) + Math.Max(0, growDecode) - withWeights;
        if (shortfall > 0)
        {
            shortfalls.Enqueue((busySeconds, shortfall));
        }

        var hold = HoldFor(input.Bounds);
        while (shortfalls.TryPeek(out var oldest) && busySeconds - oldest.BusyAt > hold.TotalSeconds)
        {
            shortfalls.Dequeue();
        }

        if (!input.Bounds.Standby.SizeFromBursts || input.Now - firstSeen < hold)
        {
            return replicas;
        }

        return Math.Min(replicas, shortfalls.Count == 0 ? 0 : shortfalls.Max(s => s.Shortfall));
    }
}
