using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Tandem.Benchmarks.Reliability;

/// <summary>
/// <c>dotnet run -c Release --project tests/Tandem.Benchmarks -- reliability [--short] [--json FILE]</c>: runs the
/// reliability scenarios, prints the table and writes JSON (BenchmarkDotNet.Artifacts/results/reliability.json by
/// default). Exit code 1 when a request was lost or cut short, an object orphaned, or a scenario's own check failed.
/// </summary>
internal static class ReliabilityBenchmark
{
    public const string Switch = "reliability";

    public static async Task<int> RunAsync(string[] args)
    {
        var plan = ReliabilityPlan.Full;
        var json = Path.Combine("BenchmarkDotNet.Artifacts", "results", "reliability.json");
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--short": plan = ReliabilityPlan.Short; break;
                case "--ci": plan = ReliabilityPlan.Ci; break;
                case "--json" when i + 1 < args.Length: json = args[++i]; break;
                default:
                    Console.Error.WriteLine($"error: {args[i]}: unknown argument; usage: reliability [--short | --ci] [--json FILE]");
                    return 2;
            }
        }

        json = Path.GetFullPath(json);
        Directory.CreateDirectory(Path.GetDirectoryName(json)!);
        using var cancel = new CancellationTokenSource(TimeSpan.FromHours(2));
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
        var started = DateTime.UtcNow;
        var run = new ReliabilityRun(plan, Console.Out);
        var rows = await run.RunAsync(cancel.Token);
        Console.Write(Render(rows));
        Console.WriteLine($"scale events in the whole run: {run.TotalScaleEvents}");
        var elapsed = DateTime.UtcNow - started;
        await File.WriteAllTextAsync(json, JsonSerializer.Serialize(new { plan = plan.Name, seconds = Math.Round(elapsed.TotalSeconds), totalScaleEvents = run.TotalScaleEvents, scenarios = rows }, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase }));
        Console.WriteLine($"{plan.Name} run in {elapsed.TotalMinutes:F1} min; json: {json}");
        return rows.All(r => r.Passed && r.Failed == 0 && r.Truncated == 0 && r.Orphans == 0) ? 0 : 1;
    }

    /// <summary>The table as Markdown.</summary>
    public static string Render(IReadOnlyList<ScenarioResult> rows)
    {
        var text = new StringBuilder();
        text.AppendLine("| scenario | events | requests | failed | truncated | orphans | time to converge | ok | notes |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |");
        foreach (var r in rows)
        {
            var converge = r.ConvergeSeconds is { } s ? s.ToString("F1", CultureInfo.InvariantCulture) + " s" : "—";
            text.AppendLine(CultureInfo.InvariantCulture, $"| {r.Scenario} | {r.Events} | {r.Requests} | {r.Failed} | {r.Truncated} | {r.Orphans} | {converge} | {(r.Passed ? "yes" : "NO")} | {r.Notes} |");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"| **total** | {rows.Sum(r => r.Events)} | {rows.Sum(r => r.Requests)} | {rows.Sum(r => r.Failed)} | {rows.Sum(r => r.Truncated)} | {rows.Sum(r => r.Orphans)} | | | |");
        return text.ToString();
    }
}
