using System.Globalization;

namespace Tandem.Scaling.Policies;

/// <summary>
/// <c>bounds</c> (default): the seeds' router bounds as BlitzScale computes them. Prefill keeps W / (N_P · R) in its
/// band; decode keeps both B / (N_D · M) and P / (N_D · T) in theirs. Below a band's counts: straight to the midpoint;
/// above: one fewer per decision. Stateless.
/// </summary>
public sealed class BoundsPolicy : TargetPolicy
{
    public override string Name => "bounds";

    protected override Wish Want(ScalingInput input, FleetMeasures m)
    {
        var model = input.Model;
        var b = input.Bounds;
        var prefill = BandMath.Range(m.QueuedPromptTokens, model.PrefillTokensPerSecond, b.Prefill.Utilization);
        var memory = BandMath.Range(m.UsedKvBlocks, model.KvBlocksPerInstance, b.Decode.Utilization);
        var transfer = BandMath.Range(m.UnmigratedKvTokens, model.TransferTokensPerSecond, b.Migration);
        var low = Math.Max(memory.Low, transfer.Low);
        var decode = (Low: low, High: Math.Max(Math.Max(memory.High, transfer.High), low));
        return new Wish(
            BandMath.Step(m.ServingPrefill, prefill), Explain("utilization", m.PrefillUtilization, m.ServingPrefill, prefill),
            BandMath.Step(m.ServingDecode, decode), Explain("KV occupancy", m.DecodeUtilization, m.ServingDecode, decode)
                + $", migration {F(m.MigrationUtilization)} s");
    }

    private static string Explain(string what, double value, int current, (int Low, int High) range) =>
        current < range.Low ? $"{what} {F(value)} above band: needs {range.Low}..{range.High}, go to the midpoint"
        : current > range.High ? $"{what} {F(value)} below band: needs {range.Low}..{range.High}, remove one"
        : $"{what} {F(value)} within band";

    private static string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
}
