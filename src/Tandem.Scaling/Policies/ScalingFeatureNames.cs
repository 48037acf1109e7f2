namespace Tandem.Scaling.Policies;

/// <summary>The feature flags' names as users write them (<c>mutate</c>, <c>fast-load</c>, <c>live-scaling</c>, <c>host-cache</c>).</summary>
public static class ScalingFeatureNames
{
    private static readonly (string Name, ScalingFeatures Flag)[] Known =
    [
        ("mutate", ScalingFeatures.Mutate),
        ("fast-load", ScalingFeatures.FastLoad),
        ("live-scaling", ScalingFeatures.LiveScaling),
        ("host-cache", ScalingFeatures.HostCache),
    ];

    public static IReadOnlyList<string> Names { get; } = Known.Select(k => k.Name).ToArray();

    /// <summary>Parses a comma-separated list; an unknown name is an error naming <paramref name="field"/>.</summary>
    public static ScalingFeatures Parse(string? list, string field = "--features")
    {
        var features = ScalingFeatures.None;
        foreach (var word in (list ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var match = Known.FirstOrDefault(k => string.Equals(k.Name, word, StringComparison.OrdinalIgnoreCase));
            if (match.Name is null)
            {
                throw new ArgumentException($"{field}: unknown feature '{word}'; known: {string.Join(", ", Names)}.");
            }

            features |= match.Flag;
        }

        return features;
    }
}
