using System.Globalization;
using Tandem.Scaling.Policies;

namespace Tandem.Scaling.Bench;

/// <summary>
/// The <c>[router]</c> keys of a template and how they become <see cref="ScalingBounds"/>: the seeds' names
/// (max/min_prefill_num, max/min_decode_num, prefill/decode/migration_lower/upper_bound, scale_down_threshold_millis)
/// plus Tandem's (standby_replicas, standby_idle_timeout_secs, ratio_min, ratio_max, interval_millis). port and
/// mock_*_millis configure the router and mock engine on a cluster and do not change a simulation.
/// </summary>
public static class RouterSettings
{
    public static IReadOnlyList<string> Keys { get; } =
    [
        "port", "max_prefill_num", "max_decode_num", "min_prefill_num", "min_decode_num",
        "prefill_lower_bound", "prefill_upper_bound", "decode_lower_bound", "decode_upper_bound",
        "migration_lower_bound", "migration_upper_bound", "scale_down_threshold_millis", "mock_load_millis", "mock_transfer_millis",
        "standby_replicas", "standby_idle_timeout_secs", "ratio_min", "ratio_max", "interval_millis",
    ];

    private static void CheckCounts(string role, RoleBounds b)
    {
        if (b.Min > b.Max || b.Max < 1)
        {
            throw new BenchTemplateException($"[router] min_{role}_num/max_{role}_num: must have min <= max and max >= 1 (got {b.Min}, {b.Max}).");
        }
    }

    private static void CheckBand(string name, Band b)
    {
        if (!(b.Lower >= 0) || !(b.Upper > b.Lower))
        {
            throw new BenchTemplateException(string.Create(CultureInfo.InvariantCulture,
                $"[router] {name}_lower_bound/{name}_upper_bound: must have 0 <= lower < upper (got {b.Lower}, {b.Upper})."));
        }
    }

    /// <summary>Builds bounds from one run's router values; errors name <c>[router] key</c>.</summary>
    public static (ScalingBounds Bounds, TimeSpan Interval) ToBounds(IReadOnlyDictionary<string, object> values, ScalingFeatures features)
    {
        var d = new ScalingBounds();
        double Num(string key, double fallback)
        {
            if (!values.TryGetValue(key, out var v))
            {
                return fallback;
            }

            return v switch
            {
                long l => l,
                double x => x,
                _ => throw new BenchTemplateException($"[router] {key}: must be a number (got '{v}')."),
            };
        }

        int Int(string key, int fallback)
        {
            var x = Num(key, fallback);
            return x == Math.Floor(x) && x is >= 0 and <= int.MaxValue
                ? (int)x
                : throw new BenchTemplateException($"[router] {key}: must be a non-negative integer (got {x.ToString(CultureInfo.InvariantCulture)}).");
        }

        var bounds = d with
        {
            Prefill = new RoleBounds(Int("min_prefill_num", d.Prefill.Min), Int("max_prefill_num", d.Prefill.Max),
                new Band(Num("prefill_lower_bound", d.Prefill.Utilization.Lower), Num("prefill_upper_bound", d.Prefill.Utilization.Upper))),
            Decode = new RoleBounds(Int("min_decode_num", d.Decode.Min), Int("max_decode_num", d.Decode.Max),
                new Band(Num("decode_lower_bound", d.Decode.Utilization.Lower), Num("decode_upper_bound", d.Decode.Utilization.Upper))),
            Migration = new Band(Num("migration_lower_bound", d.Migration.Lower), Num("migration_upper_bound", d.Migration.Upper)),
            ScaleDownDelay = TimeSpan.FromMilliseconds(Num("scale_down_threshold_millis", d.ScaleDownDelay.TotalMilliseconds)),
            Standby = new StandbySettings(Int("standby_replicas", d.Standby.Replicas), TimeSpan.FromSeconds(Num("standby_idle_timeout_secs", d.Standby.IdleTimeout.TotalSeconds))),
            Ratio = new RatioGuard(Num("ratio_min", 0), Num("ratio_max", double.PositiveInfinity)),
            Features = features,
        };
        CheckCounts("prefill", bounds.Prefill);
        CheckCounts("decode", bounds.Decode);
        CheckBand("prefill", bounds.Prefill.Utilization);
        CheckBand("decode", bounds.Decode.Utilization);
        CheckBand("migration", bounds.Migration);
        try
        {
            bounds.Validate("[router]");
        }
        catch (ArgumentException e)
        {
            throw new BenchTemplateException(e.Message);
        }

        var interval = Num("interval_millis", 1000);
        if (!(interval > 0))
        {
            throw new BenchTemplateException("[router] interval_millis: must be > 0.");
        }

        return (bounds, TimeSpan.FromMilliseconds(interval));
    }
}
