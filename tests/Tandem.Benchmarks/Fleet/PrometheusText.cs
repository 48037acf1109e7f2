using System.Globalization;

namespace Tandem.Benchmarks.Fleet;

/// <summary>One scrape of a Prometheus text exposition: every sample by its name and label set.</summary>
internal sealed class PrometheusSamples(IReadOnlyList<PrometheusSample> samples)
{
    public IReadOnlyList<PrometheusSample> All { get; } = samples;

    /// <summary>Parses the text format (comments skipped; label values without escaped quotes, as ours are).</summary>
    public static PrometheusSamples Parse(string text)
    {
        var samples = new List<PrometheusSample>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            var brace = line.IndexOf('{', StringComparison.Ordinal);
            var space = line.LastIndexOf(' ');
            if (space < 0) continue;
            var name = brace >= 0 && brace < space ? line[..brace] : line[..space];
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            if (brace >= 0 && brace < space)
            {
                var close = line.LastIndexOf('}');
                foreach (var pair in line[(brace + 1)..close].Split(',', StringSplitOptions.RemoveEmptyEntries))
                {
                    var eq = pair.IndexOf('=', StringComparison.Ordinal);
                    labels[pair[..eq]] = pair[(eq + 1)..].Trim('"');
                }
            }

            if (double.TryParse(line[(space + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                samples.Add(new PrometheusSample(name, labels, value));
            }
        }

        return new PrometheusSamples(samples);
    }

    /// <summary>The sum of every sample named <paramref name="name"/> whose labels include <paramref name="match"/>.</summary>
    public double Sum(string name, params (string Label, string Value)[] match) =>
        All.Where(s => s.Name == name && match.All(m => s.Labels.GetValueOrDefault(m.Label) == m.Value)).Sum(s => s.Value);

    /// <summary>Sums by one label's value.</summary>
    public Dictionary<string, double> SumBy(string name, string label) =>
        All.Where(s => s.Name == name).GroupBy(s => s.Labels.GetValueOrDefault(label) ?? "")
            .ToDictionary(g => g.Key, g => g.Sum(s => s.Value), StringComparer.Ordinal);

    /// <summary>A histogram's cumulative buckets (upper bound → count) for the series matching <paramref name="match"/>.</summary>
    public SortedDictionary<double, double> Buckets(string histogram, params (string Label, string Value)[] match)
    {
        var buckets = new SortedDictionary<double, double>();
        foreach (var s in All.Where(s => s.Name == histogram + "_bucket" && match.All(m => s.Labels.GetValueOrDefault(m.Label) == m.Value)))
        {
            var le = s.Labels["le"] == "+Inf" ? double.PositiveInfinity : double.Parse(s.Labels["le"], CultureInfo.InvariantCulture);
            buckets[le] = buckets.GetValueOrDefault(le) + s.Value;
        }

        return buckets;
    }
}

/// <summary>One sample line.</summary>
internal sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

/// <summary>Quantiles of the observations a cumulative histogram gained between two scrapes (as histogram_quantile does).</summary>
internal static class HistogramWindow
{
    /// <summary>Bucket counts of <paramref name="after"/> minus <paramref name="before"/>.</summary>
    public static SortedDictionary<double, double> Delta(SortedDictionary<double, double> before, SortedDictionary<double, double> after)
    {
        var delta = new SortedDictionary<double, double>();
        foreach (var (le, count) in after)
        {
            delta[le] = count - before.GetValueOrDefault(le);
        }

        return delta;
    }

    /// <summary>The q-quantile by linear interpolation inside its bucket; null without observations.</summary>
    public static double? Quantile(SortedDictionary<double, double> cumulative, double q)
    {
        var total = cumulative.Count == 0 ? 0 : cumulative.Last().Value;
        if (total <= 0) return null;
        var rank = q * total;
        var lower = 0.0;
        var below = 0.0;
        foreach (var (le, count) in cumulative)
        {
            if (count >= rank)
            {
                if (double.IsPositiveInfinity(le)) return lower;
                var inBucket = count - below;
                return inBucket <= 0 ? le : lower + (le - lower) * ((rank - below) / inBucket);
            }

            lower = le;
            below = count;
        }

        return lower;
    }

    /// <summary>The share of observations at or below <paramref name="bound"/> (a bucket boundary).</summary>
    public static double? ShareAtOrBelow(SortedDictionary<double, double> cumulative, double bound)
    {
        var total = cumulative.Count == 0 ? 0 : cumulative.Last().Value;
        return total <= 0 ? null : cumulative.Where(b => b.Key <= bound + 1e-12).Select(b => b.Value).DefaultIfEmpty(0).Max() / total;
    }
}
