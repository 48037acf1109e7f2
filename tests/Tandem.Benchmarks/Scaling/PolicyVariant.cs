using Tandem.Scaling.Simulation;

namespace Tandem.Benchmarks.Scaling;

/// <summary>
/// A named change to the simulated deployment's settings that the targets benchmark compares: <c>default</c> (the
/// settings as shipped), or <c>+</c>-joined words, each pinning one policy lever whatever its default is.
/// </summary>
internal sealed record PolicyVariant(string Name, Func<SimulationOptions, SimulationOptions> Apply)
{
    /// <summary>The words a variant is made of, each with the setting it pins.</summary>
    private static readonly Dictionary<string, Func<SimulationOptions, SimulationOptions>> Words = new(StringComparer.Ordinal)
    {
        ["default"] = o => o,
        ["fixed"] = o => o with { Bounds = o.Bounds with { Standby = o.Bounds.Standby with { SizeFromBursts = false } } },
        ["bursts"] = o => o with { Bounds = o.Bounds with { Standby = o.Bounds.Standby with { SizeFromBursts = true } } },
    };

    /// <summary>Parses <c>word[+word...]</c>; the error names <paramref name="field"/> and the known words.</summary>
    public static PolicyVariant Parse(string text, string field = "--variants")
    {
        var steps = text.Split('+', StringSplitOptions.TrimEntries).Select(w =>
            Words.TryGetValue(w, out var apply)
                ? apply
                : throw new ArgumentException($"{field}: unknown variant word '{w}' in '{text}'; known: {string.Join(", ", Words.Keys)} (joined with +).")).ToArray();
        return new PolicyVariant(text, o => steps.Aggregate(o, (acc, step) => step(acc)));
    }
}
