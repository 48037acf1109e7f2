using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Tandem.Benchmarks.Operator;

/// <summary>Median and max of one milestone over the repetitions that took the intended path.</summary>
internal sealed record MilestoneStats(double? MedianMs, double? MaxMs)
{
    public static MilestoneStats Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return new MilestoneStats(null, null);
        }

        var mid = sorted.Length / 2;
        var median = sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
        return new MilestoneStats(Math.Round(median, 1), sorted[^1]);
    }

    public string Text => MedianMs is { } median ? string.Create(CultureInfo.InvariantCulture, $"{median:F0} / {MaxMs:F0}") : "-";
}

/// <summary>One row of the table: a path and its three milestones.</summary>
internal sealed record ReactionRow(string Path, string Features, int Repetitions, int OnPath, MilestoneStats FirstAction, MilestoneStats FirstActivate, MilestoneStats Serving,
    IReadOnlyList<ReactionSample> Samples)
{
    public static ReactionRow Of(ScenarioResult result)
    {
        var ok = result.Samples.Where(s => s.PathMatched).ToArray();
        return new ReactionRow(result.Scenario.Path, result.Scenario.Features, result.Samples.Count, ok.Length,
            MilestoneStats.Of(ok.Select(s => s.FirstActionMs)),
            MilestoneStats.Of(ok.Where(s => s.FirstActivateMs is not null).Select(s => s.FirstActivateMs!.Value)),
            MilestoneStats.Of(ok.Select(s => s.ServingMs)),
            result.Samples);
    }
}

/// <summary>Prints the reaction-time table and writes it as JSON (camelCase, like the other benchmark outputs).</summary>
internal static class ReactionReport
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true };

    public static string Table(IReadOnlyList<ReactionRow> rows)
    {
        string[] header = ["path", "on path", "load step -> first scale-up action", "-> first Activate", "-> new instance serving"];
        var lines = rows.Select(r => new[] { r.Path, $"{r.OnPath}/{r.Repetitions}", r.FirstAction.Text, r.FirstActivate.Text, r.Serving.Text }).ToList();
        var widths = header.Select((h, i) => Math.Max(h.Length, lines.Select(l => l[i].Length).DefaultIfEmpty(0).Max())).ToArray();
        var text = new StringBuilder();
        void Line(string[] cells) => text.AppendLine("| " + string.Join(" | ", cells.Select((c, i) => i == 0 ? c.PadRight(widths[i]) : c.PadLeft(widths[i]))) + " |");
        Line(header);
        text.AppendLine("|" + string.Join("|", widths.Select((w, i) => i == 0 ? new string('-', w + 2) : new string('-', w + 1) + ":")) + "|");
        foreach (var line in lines)
        {
            Line(line);
        }

        text.AppendLine("times in ms, median / max over the repetitions that took the path (\"on path\")");
        return text.ToString();
    }

    public static async Task WriteJsonAsync(string path, IReadOnlyList<ReactionRow> rows, CancellationToken cancel)
    {
        var document = new
        {
            benchmark = "operator-reaction",
            autoscalerInterval = ReactionScenario.Interval,
            modelLoadTime = ReactionScenario.ProfileLoadTimes,
            load = "fixed rate 12 requests/s, 600 prompt tokens, 32 output tokens (7200 prompt tokens/s vs 4000/s per prefill instance)",
            rows = rows.Select(r => new
            {
                r.Path,
                r.Features,
                r.Repetitions,
                r.OnPath,
                firstActionMedianMs = r.FirstAction.MedianMs,
                firstActionMaxMs = r.FirstAction.MaxMs,
                firstActivateMedianMs = r.FirstActivate.MedianMs,
                firstActivateMaxMs = r.FirstActivate.MaxMs,
                servingMedianMs = r.Serving.MedianMs,
                servingMaxMs = r.Serving.MaxMs,
                r.Samples,
            }),
        };
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(document, Json), cancel).ConfigureAwait(false);
    }
}
