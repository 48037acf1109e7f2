namespace Tandem.Scaling.Policies;

/// <summary>Creates policies by the name written in <c>scaling.policy</c> or <c>--policies</c>.</summary>
public static class ScalingPolicies
{
    /// <summary>The policy names: bounds (default), slo, and the baselines static, hpa, kpa.</summary>
    public static IReadOnlyList<string> Names { get; } = ["bounds", "slo", "static", "hpa", "kpa"];

    /// <summary>
    /// A new policy object (policies with memory must not be shared between deployments). <c>static</c> takes fixed
    /// counts as <c>static:P:D</c>; without them it holds each role at its max.
    /// </summary>
    public static IScalingPolicy Create(string name, string field = "policy")
    {
        var parts = name.Trim().ToLowerInvariant().Split(':');
        return parts[0] switch
        {
            "bounds" when parts.Length == 1 => new BoundsPolicy(),
            "slo" when parts.Length == 1 => new SloPolicy(),
            "hpa" when parts.Length == 1 => new HpaPolicy(),
            "kpa" when parts.Length == 1 => new KpaPolicy(),
            "static" when parts.Length == 1 => new StaticPolicy(),
            "static" when parts.Length == 3 && int.TryParse(parts[1], out var p) && int.TryParse(parts[2], out var d) && p >= 0 && d >= 0 => new StaticPolicy(p, d),
            _ => throw new ArgumentException($"{field}: unknown policy '{name}'; known: {string.Join(", ", Names)} (static also as static:PREFILL:DECODE)."),
        };
    }
}
