using Tandem.Scaling.Policies;

namespace Tandem.Scaling.Bench;

/// <summary>
/// Maps a seed feature set (e.g. <c>ngrok,impl_blitz,impl_live_pro,impl_fast_pro,mutate</c>) to Tandem's flags:
/// impl_live_pro → live-scaling, impl_fast_pro → fast-load, mutate → mutate, cache_* → host-cache. Tandem's own flag
/// names are accepted too; the seeds' build switches (ngrok, impl_*) carry no scaling meaning and are ignored.
/// </summary>
public static class FeatureWords
{
    public static ScalingFeatures Parse(string words, string field)
    {
        var features = ScalingFeatures.None;
        foreach (var word in words.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var w = word.ToLowerInvariant();
            features |= w switch
            {
                "impl_live_pro" or "live-scaling" => ScalingFeatures.LiveScaling,
                "impl_fast_pro" or "fast-load" => ScalingFeatures.FastLoad,
                "mutate" => ScalingFeatures.Mutate,
                "host-cache" => ScalingFeatures.HostCache,
                _ when w.StartsWith("cache_", StringComparison.Ordinal) => ScalingFeatures.HostCache,
                "ngrok" => ScalingFeatures.None,
                _ when w.StartsWith("impl_", StringComparison.Ordinal) => ScalingFeatures.None,
                _ => throw new BenchTemplateException(
                    $"{field}: unknown feature word '{word}'; known: impl_live_pro, impl_fast_pro, mutate, cache_*, ngrok, impl_*, {string.Join(", ", ScalingFeatureNames.Names)}."),
            };
        }

        return features;
    }
}
