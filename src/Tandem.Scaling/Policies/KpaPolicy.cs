namespace Tandem.Scaling.Policies;

/// <summary>
/// <c>kpa</c> (baseline): Knative's autoscaler per role. The load is in instance units (prefill: W / R seconds of queued
/// work; decode: the larger of B / M and P / T) against a per-instance target at the band midpoint; desired =
/// ceil(average load / target) over a 60 s stable window, or over a 6 s panic window while panicking. Panic starts when
/// the panic window asks for 2x the current instances and lasts until 60 s without that; in panic it never scales
/// down. Scale-down is at most halving per decision. Holds its samples and panic state in the object.
/// </summary>
public sealed class KpaPolicy : TargetPolicy
{
    public static readonly TimeSpan StableWindow = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan PanicWindow = TimeSpan.FromSeconds(6);
    public const double PanicThreshold = 2.0;

    private readonly List<(DateTimeOffset At, double Prefill, double Decode)> samples = [];
    private DateTimeOffset? panicSince;
    private DateTimeOffset lastPanicSignal;

    public override string Name => "kpa";

    protected override int MaxRemovalsPerRole => int.MaxValue;

    protected override Wish Want(ScalingInput input, FleetMeasures m)
    {
        var b = input.Bounds;
        var model = input.Model;
        var prefillLoad = m.QueuedPromptTokens / model.PrefillTokensPerSecond / b.Prefill.Utilization.Midpoint;
        var decodeLoad = Math.Max(
            m.UsedKvBlocks / (double)model.KvBlocksPerInstance / b.Decode.Utilization.Midpoint,
            m.UnmigratedKvTokens / model.TransferTokensPerSecond / b.Migration.Midpoint);
        // A repeated decision at the same instant replaces its sample, so the windows stay bounded.
        if (samples.Count > 0 && samples[^1].At == input.Now)
        {
            samples.RemoveAt(samples.Count - 1);
        }

        samples.Add((input.Now, prefillLoad, decodeLoad));
        samples.RemoveAll(s => input.Now - s.At > StableWindow);

        var stableP = BandMath.CeilCount(samples.Average(s => s.Prefill));
        var stableD = BandMath.CeilCount(samples.Average(s => s.Decode));
        var recent = samples.Where(s => input.Now - s.At <= PanicWindow).ToArray();
        var panicP = BandMath.CeilCount(recent.Average(s => s.Prefill));
        var panicD = BandMath.CeilCount(recent.Average(s => s.Decode));

        if (panicP >= PanicThreshold * Math.Max(m.ServingPrefill, 1) || panicD >= PanicThreshold * Math.Max(m.ServingDecode, 1))
        {
            panicSince ??= input.Now;
            lastPanicSignal = input.Now;
        }
        else if (panicSince is not null && input.Now - lastPanicSignal >= StableWindow)
        {
            panicSince = null;
        }

        if (panicSince is not null)
        {
            return new Wish(Math.Max(m.ServingPrefill, panicP), "panic window", Math.Max(m.ServingDecode, panicD), "panic window");
        }

        return new Wish(Math.Max(stableP, m.ServingPrefill / 2), "stable window", Math.Max(stableD, m.ServingDecode / 2), "stable window");
    }
}
