using System.Globalization;
using Tandem.Scaling.Lifecycle;

namespace Tandem.Scaling.Policies;

/// <summary>
/// <c>bounds</c> (default): the seeds' router bounds as BlitzScale computes them. Prefill keeps (W + arriving) / (N_P · R)
/// in its band (<see cref="PrefillDemand"/>); decode keeps both B / (N_D · M) and P / (N_D · T) in theirs. Below a band's
/// counts: straight to the midpoint (cold starts only for the sustained load); above: one fewer per decision, once the
/// role has been over-provisioned for <see cref="ScaleDownHold.For"/> (decode: <see cref="ScaleDownHold.ForDecode"/>). Holds the hold timers, so one object per deployment.
/// </summary>
public sealed class BoundsPolicy : TargetPolicy
{
    private readonly ScaleDownHold hold = new();
    private readonly BurstMemory bursts = new();

    public override string Name => "bounds";

    protected override int? StandbyBuffer(ScalingInput input, int growPrefill, int growDecode) => bursts.StandbyBuffer(input, growPrefill, growDecode);

    protected override Wish Want(ScalingInput input, FleetMeasures m)
    {
        var model = input.Model;
        var b = input.Bounds;
        var demand = PrefillDemand.Tokens(input.Load);
        var prefill = BandMath.Range(demand, model.PrefillTokensPerSecond, b.Prefill.Utilization);
        var memory = BandMath.Range(m.UsedKvBlocks, model.KvBlocksPerInstance, b.Decode.Utilization);
        var transfer = BandMath.Range(m.UnmigratedKvTokens, model.TransferTokensPerSecond, b.Migration);
        var low = Math.Max(memory.Low, transfer.Low);
        var decode = (Low: low, High: Math.Max(Math.Max(memory.High, transfer.High), low));

        var sustained = BandMath.Range(PrefillDemand.Arriving(input.Load), model.PrefillTokensPerSecond, b.Prefill.Utilization).Low;
        var neededP = BandMath.Step(m.ServingPrefill, prefill);
        var wantP = PrefillDemand.CapColdStarts(input, m.ServingPrefill, neededP, sustained);
        var wantD = BandMath.Step(m.ServingDecode, decode);
        bursts.Observe(input);
        var holdFor = bursts.HoldFor(b);
        var d = hold.Apply(InstanceRole.Decode, m.ServingDecode, wantD, input.Now, ScaleDownHold.ForDecode(b));
        // A mutation moves a prefill instance to decode without giving up its GPUs, so it does not wait for the hold.
        var p = b.Features.HasFlag(ScalingFeatures.Mutate) && d > m.ServingDecode ? wantP : hold.Apply(InstanceRole.Prefill, m.ServingPrefill, wantP, input.Now, holdFor);
        var utilization = demand / (Math.Max(m.ServingPrefill, 1) * model.PrefillTokensPerSecond);
        return new Wish(
            p, Explain("utilization", utilization, m.ServingPrefill, prefill, p, wantP, InstanceRole.Prefill, input.Now),
            d, Explain("KV occupancy", m.DecodeUtilization, m.ServingDecode, decode, d, wantD, InstanceRole.Decode, input.Now)
                + $", migration {F(m.MigrationUtilization)} s")
        { PrefillBeforeColdStartCap = neededP };

        string Explain(string what, double value, int current, (int Low, int High) range, int target, int wanted, InstanceRole role, DateTimeOffset now) =>
            current < range.Low ? $"{what} {F(value)} above band: needs {range.Low}..{range.High}, go to the midpoint"
                + (wanted < (range.Low + range.High + 1) / 2 ? $" (cold starts only for the arrival rate's {sustained})" : "")
            : current > range.High && target < current ? $"{what} {F(value)} below band for {F(hold.OverProvisionedFor(role, now).TotalSeconds)} s: needs {range.Low}..{range.High}, remove one"
            : current > range.High ? $"{what} {F(value)} below band for {F(hold.OverProvisionedFor(role, now).TotalSeconds)} s of {F(holdFor.TotalSeconds)} s: hold"
            : $"{what} {F(value)} within band";
    }

    private static string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
}
