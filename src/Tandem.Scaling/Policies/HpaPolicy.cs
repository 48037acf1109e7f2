namespace Tandem.Scaling.Policies;

/// <summary>
/// <c>hpa</c> (baseline): the Kubernetes HPA algorithm per role on a utilization metric whose target is the band
/// midpoint (prefill: W / (N · R); decode: the larger of KV occupancy and migration, each against its midpoint).
/// desired = ceil(current · metric / target), no change within tolerance 0.1; runs every 15 s sync period; scale-up
/// at most max(2x, +4) per sync; scale-down takes the highest recommendation of the last 300 s (stabilization).
/// Holds its sync time and recommendation history in the object.
/// </summary>
public sealed class HpaPolicy : TargetPolicy
{
    public static readonly TimeSpan SyncPeriod = TimeSpan.FromSeconds(15);
    public static readonly TimeSpan DownscaleStabilization = TimeSpan.FromSeconds(300);
    public const double Tolerance = 0.1;

    private readonly List<(DateTimeOffset At, int Prefill, int Decode)> recommendations = [];
    private DateTimeOffset? lastSync;
    private (int Prefill, int Decode)? lastDesired;

    public override string Name => "hpa";

    protected override int MaxRemovalsPerRole => int.MaxValue;

    protected override Wish Want(ScalingInput input, FleetMeasures m)
    {
        if (lastSync is { } last && input.Now - last < SyncPeriod && lastDesired is { } held)
        {
            return new Wish(held.Prefill, "between syncs", held.Decode, "between syncs");
        }

        lastSync = input.Now;
        var b = input.Bounds;
        var prefillRatio = m.PrefillUtilization / b.Prefill.Utilization.Midpoint;
        var decodeRatio = Math.Max(m.DecodeUtilization / b.Decode.Utilization.Midpoint, m.MigrationUtilization / b.Migration.Midpoint);
        var rawP = Recommend(m.ServingPrefill, prefillRatio);
        var rawD = Recommend(m.ServingDecode, decodeRatio);
        recommendations.Add((input.Now, rawP, rawD));
        recommendations.RemoveAll(r => input.Now - r.At > DownscaleStabilization);
        var p = Stabilize(m.ServingPrefill, rawP, r => r.Prefill);
        var d = Stabilize(m.ServingDecode, rawD, r => r.Decode);
        lastDesired = (p, d);
        return new Wish(p, $"metric/target {prefillRatio:0.##}", d, $"metric/target {decodeRatio:0.##}");
    }

    private static int Recommend(int current, double ratio)
    {
        var basis = Math.Max(current, 1);
        if (Math.Abs(ratio - 1) <= Tolerance)
        {
            return current;
        }

        var desired = BandMath.CeilCount(basis * ratio);
        return Math.Min(desired, Math.Max(2 * basis, basis + 4));
    }

    private int Stabilize(int current, int raw, Func<(DateTimeOffset At, int Prefill, int Decode), int> pick) =>
        raw >= current ? raw : Math.Min(current, recommendations.Max(pick));
}
