using System.Globalization;
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
            Words.TryGetValue(w, out var apply) ? apply
            : Hold(w) is { } hold ? hold
            : throw new ArgumentException($"{field}: unknown variant word '{w}' in '{text}'; known: {string.Join(", ", Words.Keys)}, hold-pNN, hold-max (joined with +).")).ToArray();
        return new PolicyVariant(text, o => steps.Aggregate(o, (acc, step) => step(acc)));
    }

    /// <summary><c>hold-pNN</c> (NN in 1..99) or <c>hold-max</c>: the prefill hold outlasts that share of the remembered lulls.</summary>
    private static Func<SimulationOptions, SimulationOptions>? Hold(string word)
    {
        double? q = word == "hold-max" ? 1.0
            : word.StartsWith("hold-p", StringComparison.Ordinal) && int.TryParse(word["hold-p".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var nn) && nn is >= 1 and <= 99 ? nn / 100.0
            : null;
        return q is { } quantile ? o => o with { Bounds = o.Bounds with { LullQuantile = quantile } } : null;
    }
}
