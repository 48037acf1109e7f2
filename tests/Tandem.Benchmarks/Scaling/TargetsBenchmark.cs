using System.Globalization;
using System.Text.Json.Nodes;
using Tandem.Scaling.Models;
using Tandem.Scaling.Simulation;
using Tandem.Scaling.Workload;

namespace Tandem.Benchmarks.Scaling;

/// <summary>
/// Issue 11's targets (a benchmark that prints a table and writes JSON, never a timed test): on the whole Azure 2023 conv
/// and code traces, llama3-8b, default settings, every policy's attainment and GPU-seconds (serving, reserved, total)
/// beside the fair static fleet, the SLO-aware oracle and hpa, and which targets are met.
/// <c>dotnet run -c Release --project tests/Tandem.Benchmarks -- targets [--traces DIR] [--standby-sizing fixed|bursts] [--json F]</c>
/// (DIR holds AzureLLMInferenceTrace_conv.csv and AzureLLMInferenceTrace_code.csv; default $TANDEM_TRACES or /work/shared/traces).
/// </summary>
internal static class TargetsBenchmark
{
    public const string Switch = "targets";
    private const string DefaultJson = "BenchmarkDotNet.Artifacts/results/scaling-targets.json";
    private static readonly string[] Policies = ["bounds", "slo", "hpa", "kpa", "static"];

    /// <summary>Per trace: the attainment every policy must reach and the most GPU-seconds it may spend, relative to fair static.</summary>
    private static readonly (string Trace, double Attainment, double FairStaticRatio)[] Targets = [("conv", 0.99, 1.0), ("code", 0.99, 0.8)];

    public static int Run(string[] args)
    {
        var traces = Environment.GetEnvironmentVariable("TANDEM_TRACES") ?? "/work/shared/traces";
        var json = DefaultJson;
        var sizeFromBursts = false;
        for (var k = 0; k < args.Length; k++)
        {
            switch (args[k])
            {
                case "--traces" when k + 1 < args.Length:
                    traces = args[++k];
                    break;
                case "--standby-sizing" when k + 1 < args.Length && args[k + 1] is "fixed" or "bursts":
                    sizeFromBursts = args[++k] == "bursts";
                    break;
                case "--json" when k + 1 < args.Length:
                    json = args[++k];
                    break;
                default:
                    Console.Error.WriteLine($"{args[k]}: unknown argument; usage: targets [--traces DIR] [--standby-sizing fixed|bursts] [--json F]");
                    return 2;
            }
        }

        var options = new SimulationOptions { Model = SeedModels.Get("llama3-8b") };
        options = options with { Bounds = options.Bounds with { Standby = options.Bounds.Standby with { SizeFromBursts = sizeFromBursts } } };
        var report = new JsonArray();
        var rows = new List<string[]> { new[] { "trace", "policy", "attainment", "serving GPU-s", "reserved GPU-s", "GPU-s", "/ fair static", "/ oracle", "/ hpa", "target" } };
        var verdicts = new List<string>();
        foreach (var (name, attainment, budget) in Targets)
        {
            var path = Path.Combine(traces, $"AzureLLMInferenceTrace_{name}.csv");
            var trace = TraceLoader.Load(path, TraceWindow.Parse(null));
            var comparison = PolicyComparison.Run(trace, Policies, options);
            var hpa = comparison.Runs.Single(r => r.Name == "hpa");
            Console.WriteLine($"{name}: {trace.Count} requests; {comparison.RenderYardsticks()}");
            var entries = new JsonArray();
            foreach (var run in comparison.Runs)
            {
                var a = run.Stats.SloAttainment ?? 0;
                var fair = run.Name.EndsWith("(fair)", StringComparison.Ordinal);
                var vsHpa = run.Result.GpuSeconds / hpa.Result.GpuSeconds;
                var met = fair || run.Name == "hpa" ? "-" : a >= attainment && run.FairStaticRatio <= budget ? "met" : "not met";
                rows.Add([name, run.Name, P(a), F(run.Result.ServingGpuSeconds), F(run.Result.ReservedGpuSeconds), F(run.Result.GpuSeconds),
                    R(run.FairStaticRatio), R(run.OracleRatio), R(vsHpa), met]);
                entries.Add(new JsonObject
                {
                    ["policy"] = run.Name,
                    ["sloAttainment"] = a,
                    ["servingGpuSeconds"] = run.Result.ServingGpuSeconds,
                    ["reservedGpuSeconds"] = run.Result.ReservedGpuSeconds,
                    ["gpuSeconds"] = run.Result.GpuSeconds,
                    ["fairStaticRatio"] = run.FairStaticRatio,
                    ["oracleRatio"] = run.OracleRatio,
                    ["hpaRatio"] = vsHpa,
                    ["target"] = met,
                });
                if (!fair && run.Name != "hpa")
                {
                    verdicts.Add($"{name} {run.Name}: >= {P(attainment)} at <= {R(budget)}x fair static: {met}; >= 1.0x oracle: {(run.OracleRatio >= 1 ? "met" : "NOT met")}; "
                        + $"vs hpa: {(a >= (hpa.Stats.SloAttainment ?? 0) ? "at or above hpa's attainment" : "below hpa's attainment")}, "
                        + $"GPU-s {(vsHpa - 1) * 100:+0.#;-0.#} % vs hpa (target -30 %): {(a >= (hpa.Stats.SloAttainment ?? 0) && vsHpa <= 0.7 ? "met" : "not met")}");
                }
            }

            report.Add(new JsonObject
            {
                ["trace"] = name,
                ["requests"] = trace.Count,
                ["attainmentTarget"] = attainment,
                ["fairStaticBudget"] = budget,
                ["yardsticks"] = comparison.ToJson(withTimeline: false),
                ["policies"] = entries,
            });
        }

        var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        foreach (var row in rows)
        {
            Console.WriteLine(string.Join("  ", row.Select((cell, c) => c < 2 ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c]))));
        }

        Console.WriteLine();
        verdicts.ForEach(Console.WriteLine);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(json))!);
        File.WriteAllText(json, new JsonObject { ["model"] = "llama3-8b", ["standbySizing"] = sizeFromBursts ? "bursts" : "fixed", ["traces"] = report }.ToJsonString(StatsTable.JsonOptions));
        Console.WriteLine($"JSON: {json}");
        return 0;
    }

    private static string P(double v) => (v * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    private static string F(double v) => v.ToString("0", CultureInfo.InvariantCulture);

    private static string R(double v) => v.ToString("0.00", CultureInfo.InvariantCulture);
}
