using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tandem.Scaling.Workload;

/// <summary>Renders runs side by side as the plain-text stats table, and as camelCase JSON.</summary>
public static class StatsTable
{
    /// <summary>JSON options every stats writer uses: camelCase, indented, nulls omitted.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private static readonly (string Label, Func<RunStats, string> Value)[] Rows =
    [
        ("requests", s => s.Requests.ToString(CultureInfo.InvariantCulture)),
        ("requests/s", s => F(s.RequestsPerSecond, 2)),
        ("output tokens/s", s => F(s.OutputTokensPerSecond, 1)),
        ("latency avg (ms)", s => F(s.LatencyAvgMs, 1)),
        ("latency P50 (ms)", s => F(s.LatencyP50Ms, 1)),
        ("latency P90 (ms)", s => F(s.LatencyP90Ms, 1)),
        ("latency P99 (ms)", s => F(s.LatencyP99Ms, 1)),
        ("TTFT P50 (ms)", s => F(s.TtftP50Ms, 1)),
        ("TTFT P99 (ms)", s => F(s.TtftP99Ms, 1)),
        ("TPOT P50 (ms)", s => F(s.TpotP50Ms, 2)),
        ("TPOT P99 (ms)", s => F(s.TpotP99Ms, 2)),
        ("avg input tokens", s => F(s.AverageInputTokens, 1)),
        ("avg output tokens", s => F(s.AverageOutputTokens, 1)),
        ("avg in-flight", s => F(s.AverageInFlight, 2)),
        ("SLO attainment", s => s.SloAttainment is { } a ? (a * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%" : "-"),
        ("failed requests", s => s.FailedRequests.ToString(CultureInfo.InvariantCulture)),
        ("GPU-seconds", s => s.GpuSeconds is { } g ? F(g, 1) : "-"),
    ];

    /// <summary>One column per run, one row per statistic; <paramref name="extraRows"/> are appended below.</summary>
    public static string Render(IReadOnlyList<(string Name, RunStats Stats)> runs, IReadOnlyList<(string Label, IReadOnlyList<string> Values)>? extraRows = null)
    {
        var table = new List<string[]>();
        table.Add(["", .. runs.Select(r => r.Name)]);
        table.AddRange(Rows.Select(row => (string[])[row.Label, .. runs.Select(r => row.Value(r.Stats))]));
        foreach (var (label, values) in extraRows ?? [])
        {
            table.Add([label, .. values]);
        }

        var widths = Enumerable.Range(0, table[0].Length).Select(c => table.Max(r => r[c].Length)).ToArray();
        var text = new StringBuilder();
        for (var r = 0; r < table.Count; r++)
        {
            text.Append(table[r][0].PadRight(widths[0]));
            for (var c = 1; c < widths.Length; c++)
            {
                text.Append("  ").Append(table[r][c].PadLeft(widths[c]));
            }

            text.AppendLine();
            if (r == 0)
            {
                text.AppendLine(new string('-', widths.Sum() + 2 * (widths.Length - 1)));
            }
        }

        return text.ToString();
    }

    private static string F(double value, int digits) => value.ToString("F" + digits, CultureInfo.InvariantCulture);
}
