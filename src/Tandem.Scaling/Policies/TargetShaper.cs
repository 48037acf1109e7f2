namespace Tandem.Scaling.Policies;

/// <summary>
/// Turns a policy's wish into allowed targets: clamp each role to [min, max], then the prefill:decode ratio guard,
/// which only raises the lagging role (never removes) up to its max; what still breaks the guard is flagged.
/// </summary>
public static class TargetShaper
{
    public static (RoleTarget Prefill, RoleTarget Decode) Shape(ScalingBounds bounds, FleetMeasures m, int wishPrefill, int wishDecode)
    {
        var p = Math.Clamp(wishPrefill, bounds.Prefill.Min, bounds.Prefill.Max);
        var d = Math.Clamp(wishDecode, bounds.Decode.Min, bounds.Decode.Max);
        var pRatio = false;
        var dRatio = false;
        var ratio = bounds.Ratio;
        if (!ratio.Holds(p, d))
        {
            if (p > ratio.Max * d)
            {
                var raised = Math.Min(bounds.Decode.Max, BandMath.CeilCount(p / ratio.Max));
                dRatio = raised != d;
                d = Math.Max(d, raised);
            }
            else if (p < ratio.Min * d)
            {
                var raised = Math.Min(bounds.Prefill.Max, BandMath.CeilCount(ratio.Min * d));
                pRatio = raised != p;
                p = Math.Max(p, raised);
            }

            if (!ratio.Holds(p, d))
            {
                pRatio = dRatio = true;
            }
        }

        return (
            new RoleTarget(m.ServingPrefill, p, m.PrefillUtilization)
            {
                LimitedByMin = wishPrefill < bounds.Prefill.Min,
                LimitedByMax = wishPrefill > bounds.Prefill.Max,
                LimitedByRatio = pRatio,
            },
            new RoleTarget(m.ServingDecode, d, m.DecodeUtilization)
            {
                LimitedByMin = wishDecode < bounds.Decode.Min,
                LimitedByMax = wishDecode > bounds.Decode.Max,
                LimitedByRatio = dRatio,
            });
    }
}
