using System.Globalization;
using Tandem.Scaling.Lifecycle;

namespace Tandem.Scaling.Policies;

/// <summary>
/// <c>slo</c>: predicts TTFT and TPOT from the model's numbers and the current load and keeps the prediction within
/// <see cref="Headroom"/> of the SLO. Scale up at once to the fewest instances that meet it; scale down one instance
/// only when the prediction with one fewer still meets it (the check Dynamo's planner makes) and the role has been
/// over-provisioned for <see cref="ScaleDownHold.For"/>; cold starts only for the sustained load
/// (<see cref="PrefillDemand.CapColdStarts"/>). Holds the hold timers, so one object per deployment.
/// Prediction: TTFT(N) = (W + arriving) / (N · R) + prefill time of the mean queued prompt (<see cref="PrefillDemand"/>),
/// infinite when prompt arrivals exceed N · R; TPOT(N) = step(base + per-sequence · running / N); decode also keeps KV occupancy and migration under their
/// bands' upper edges.
/// </summary>
public sealed class SloPolicy : TargetPolicy
{
    /// <summary>Share of the SLO the prediction may use, so scaling starts before the SLO breaks.</summary>
    public const double Headroom = 0.8;

    /// <summary>Prompt length assumed when the queue is empty.</summary>
    public const int DefaultPromptTokens = 1024;

    private readonly ScaleDownHold hold = new();
    private readonly BurstMemory bursts = new();

    public override string Name => "slo";

    protected override int? StandbyBuffer(ScalingInput input, int growPrefill, int growDecode) => bursts.StandbyBuffer(input, growPrefill, growDecode);

    protected override Wish Want(ScalingInput input, FleetMeasures m)
    {
        var model = input.Model;
        var b = input.Bounds;
        var load = input.Load;
        var meanPrompt = load.QueuedRequests > 0 ? (double)load.QueuedPromptTokens / load.QueuedRequests : DefaultPromptTokens;
        var ttftSlo = b.Slo?.Ttft?.TotalSeconds ?? model.TtftSloScale * model.ZeroLoadPrefillSeconds((int)meanPrompt);
        var tpotSlo = (b.Slo?.Tpot ?? model.TpotSlo).TotalSeconds;
        var running = input.Instances.Where(i => i.IsServing && i.Role == InstanceRole.Decode).Sum(i => (long)i.RunningRequests + i.WaitingRequests);

        var service = model.ZeroLoadPrefillSeconds((int)meanPrompt);
        var arrivalRate = Math.Max(0, load.PlanningRate ?? 0);

        // Queued work per instance, plus the mean wait arrivals add at utilization rho = rate / (N · R) (M/D/1:
        // rho / (2 (1 - rho)) service times), plus the request's own prefill.
        double Ttft(int n, double queued)
        {
            var rho = n > 0 ? arrivalRate / (n * model.PrefillTokensPerSecond) : double.PositiveInfinity;
            return rho >= 1 ? double.PositiveInfinity : queued / (n * model.PrefillTokensPerSecond) + rho / (2 * (1 - rho)) * service + service;
        }

        bool DecodeMeets(int n) =>
            n > 0
            && model.DecodeStepSeconds(BandMath.CeilCount((double)running / n)) <= Headroom * tpotSlo
            && m.UsedKvBlocks <= b.Decode.Utilization.Upper * n * model.KvBlocksPerInstance
            && m.UnmigratedKvTokens <= b.Migration.Upper * n * model.TransferTokensPerSecond;

        // The count the arrival rate alone needs (an empty queue): what cold starts may be asked for.
        var sustained = Next(0, b.Prefill.Max, n => Ttft(n, 0) <= Headroom * ttftSlo);
        var neededP = Next(m.ServingPrefill, b.Prefill.Max, n => Ttft(n, load.QueuedPromptTokens) <= Headroom * ttftSlo);
        var wantP = PrefillDemand.CapColdStarts(input, m.ServingPrefill, neededP, sustained);
        bursts.Observe(input);
        var holdFor = bursts.HoldFor(b);
        var d = hold.Apply(InstanceRole.Decode, m.ServingDecode, Next(m.ServingDecode, b.Decode.Max, DecodeMeets), input.Now, ScaleDownHold.ForDecode(b));
        // A mutation moves a prefill instance to decode without giving up its GPUs, so it does not wait for the hold.
        var p = b.Features.HasFlag(ScalingFeatures.Mutate) && d > m.ServingDecode ? wantP : hold.Apply(InstanceRole.Prefill, m.ServingPrefill, wantP, input.Now, holdFor);
        return new Wish(
            p, $"predicted TTFT {Ms(Ttft(Math.Max(m.ServingPrefill, 1), load.QueuedPromptTokens))} vs SLO {Ms(ttftSlo)}{Held(InstanceRole.Prefill)}",
            d, $"predicted TPOT {Ms(model.DecodeStepSeconds(BandMath.CeilCount((double)running / Math.Max(m.ServingDecode, 1))))} vs SLO {Ms(tpotSlo)}{Held(InstanceRole.Decode)}")
        { PrefillBeforeColdStartCap = neededP };

        string Held(InstanceRole role) =>
            hold.OverProvisionedFor(role, input.Now) is var over && over > TimeSpan.Zero
                ? string.Create(CultureInfo.InvariantCulture, $"; one fewer would do for {over.TotalSeconds:0.#} s of {holdFor.TotalSeconds:0.#} s") : "";
    }

    /// <summary>Up to the fewest instances that meet the target (capped at max + 1 so clamping reports it); down by one if one fewer meets it.</summary>
    private static int Next(int current, int max, Func<int, bool> meets)
    {
        if (!meets(current))
        {
            var n = Math.Max(current, 0) + 1;
            while (n <= max && !meets(n))
            {
                n++;
            }

            return n;
        }

        return current > 0 && meets(current - 1) ? current - 1 : current;
    }

    private static string Ms(double seconds) =>
        double.IsPositiveInfinity(seconds) ? "unbounded" : (seconds * 1000).ToString("0.#", CultureInfo.InvariantCulture) + " ms";
}
