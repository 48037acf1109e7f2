using System.Globalization;
using Tandem.Scaling.Lifecycle;

namespace Tandem.Scaling.Policies;

/// <summary>
/// <c>slo</c>: predicts TTFT and TPOT from the model's numbers and the current load and keeps the prediction within
/// <see cref="Headroom"/> of the SLO. Scale up at once to the fewest instances that meet it; scale down one instance
/// only when the prediction with one fewer still meets it (the check Dynamo's planner makes). Stateless.
/// Prediction: TTFT(N) = W / (N · R) + prefill time of the mean queued prompt, infinite when prompt arrivals exceed
/// N · R; TPOT(N) = step(base + per-sequence · running / N); decode also keeps KV occupancy and migration under their
/// bands' upper edges.
/// </summary>
public sealed class SloPolicy : TargetPolicy
{
    /// <summary>Share of the SLO the prediction may use, so scaling starts before the SLO breaks.</summary>
    public const double Headroom = 0.8;

    /// <summary>Prompt length assumed when the queue is empty.</summary>
    public const int DefaultPromptTokens = 1024;

    public override string Name => "slo";

    protected override Wish Want(ScalingInput input, FleetMeasures m)
    {
        var model = input.Model;
        var b = input.Bounds;
        var load = input.Load;
        var meanPrompt = load.QueuedRequests > 0 ? (double)load.QueuedPromptTokens / load.QueuedRequests : DefaultPromptTokens;
        var ttftSlo = b.Slo?.Ttft?.TotalSeconds ?? model.TtftSloScale * model.ZeroLoadPrefillSeconds((int)meanPrompt);
        var tpotSlo = (b.Slo?.Tpot ?? model.TpotSlo).TotalSeconds;
        var running = input.Instances.Where(i => i.IsServing && i.Role == InstanceRole.Decode).Sum(i => (long)i.RunningRequests + i.WaitingRequests);

        double Ttft(int n)
        {
            if (n <= 0 || (load.PromptTokensPerSecond is { } rate && rate >= n * model.PrefillTokensPerSecond))
            {
                return double.PositiveInfinity;
            }

            return m.QueuedPromptTokens / (n * model.PrefillTokensPerSecond) + model.ZeroLoadPrefillSeconds((int)meanPrompt);
        }

        bool DecodeMeets(int n) =>
            n > 0
            && model.DecodeStepSeconds(BandMath.CeilCount((double)running / n)) <= Headroom * tpotSlo
            && m.UsedKvBlocks <= b.Decode.Utilization.Upper * n * model.KvBlocksPerInstance
            && m.UnmigratedKvTokens <= b.Migration.Upper * n * model.TransferTokensPerSecond;

        var p = Next(m.ServingPrefill, b.Prefill.Max, n => Ttft(n) <= Headroom * ttftSlo);
        var d = Next(m.ServingDecode, b.Decode.Max, DecodeMeets);
        return new Wish(
            p, $"predicted TTFT {Ms(Ttft(Math.Max(m.ServingPrefill, 1)))} vs SLO {Ms(ttftSlo)}",
            d, $"predicted TPOT {Ms(model.DecodeStepSeconds(BandMath.CeilCount((double)running / Math.Max(m.ServingDecode, 1))))} vs SLO {Ms(tpotSlo)}");
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
