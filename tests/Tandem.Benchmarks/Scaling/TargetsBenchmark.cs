using System.Globalization;
using System.Text.Json.Nodes;
using Tandem.Scaling.Models;
using Tandem.Scaling.Simulation;
using Tandem.Scaling.Workload;

namespace Tandem.Benchmarks.Scaling;

/// <summary>
/// Issue 11's targets (a benchmark that prints a table and writes JSON, never a timed test): on the Azure 2023 conv and
/// code traces (whole traces, llama3-8b, default settings unless told otherwise), every policy's attainment and
/// GPU-seconds (serving, reserved, total) beside the fair static fleet, the SLO-aware oracle and hpa, and which targets
/// are met. <c>--window</c>, <c>--scale</c>, <c>--model</c> (any seed model, or <c>all</c>) and <c>--variant</c> run the
/// same table elsewhere; <c>--sweep</c> runs the grid of <see cref="TargetsSweep"/>. Usage: <see cref="TargetsArguments.Usage"/>
/// (DIR holds AzureLLMInferenceTrace_conv.csv and AzureLLMInferenceTrace_code.csv; default $TANDEM_TRACES or /work/shared/traces).
/// </summary>
internal static class TargetsBenchmark
{
    public const string Switch = "targets";
    private const string DefaultJson = "BenchmarkDotNet.Artifacts/results/scaling-targets.json";
    private static readonly string[] Policies = ["bounds", "slo", "hpa", "kpa", "static"];

    /// <summary>Per trace: the attainment every policy must reach and the most GPU-seconds it may spend, relative to fair static.</summary>
    internal static readonly (string Trace, double Attainment, double FairStaticRatio)[] Targets = [("conv", 0.99, 1.0), ("code", 0.99, 0.8)];

    public static int Run(string[] args)
    {
        TargetsArguments a;
        try
        {
            a = TargetsArguments.Parse(args);
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            Console.Error.WriteLine($"error: {e.Message}\n{TargetsArguments.Usage}");
            return 2;
        }

        if (a.Sweep)
        {
            return TargetsSweep.Run(a);
        }

        if (a.Variants.Count != 1 || a.Windows.Count != 1 || a.Scales.Count != 1)
        {
            Console.Error.WriteLine($"error: one --variant, --window and --scale per run (use --sweep for several).\n{TargetsArguments.Usage}");
            return 2;
        }

        var json = a.Json ?? DefaultJson;
        var variant = a.Variants[0];
        var window = a.Windows[0];
        var scale = a.Scales[0];
        var report = new JsonArray();
        var rows = new List<string[]> { new[] { "trace", "model", "policy", "attainment", "serving GPU-s", "reserved GPU-s", "GPU-s", "/ fair static", "/ oracle", "/ hpa", "target" } };
        var verdicts = new List<string>();
        foreach (var model in a.Models)
        {
            Console.WriteLine($"{model}, window {window}, scale {scale.ToString(CultureInfo.InvariantCulture)}, variant {variant.Name}");
            RunModel(a, model, variant, window, scale, report, rows, verdicts);
        }

        var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        foreach (var row in rows)
        {
            Console.WriteLine(string.Join("  ", row.Select((cell, c) => c < 3 ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c]))));
        }

        Console.WriteLine();
        verdicts.ForEach(Console.WriteLine);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(json))!);
        File.WriteAllText(json, new JsonObject
        {
            ["models"] = new JsonArray(a.Models.Select(m => (JsonNode)m).ToArray()),
            ["window"] = window.ToString(),
            ["scale"] = scale,
            ["variant"] = variant.Name,
            ["traces"] = report,
        }.ToJsonString(StatsTable.JsonOptions));
        Console.WriteLine($"JSON: {Path.GetFullPath(json)}");
        return 0;
    }

    private static void RunModel(TargetsArguments args, string model, PolicyVariant variant, TraceWindow window, double scale, JsonArray report, List<string[]> rows, List<string> verdicts)
    {
        var options = variant.Apply(new SimulationOptions { Model = SeedModels.Get(model) });
        foreach (var (name, attainment, budget) in Targets)
        {
            var trace = TraceLoader.Load(TracePath(args.Traces, name), window, scale);
            var comparison = PolicyComparison.Run(trace, Policies, options);
            var hpa = comparison.Runs.Single(r => r.Name == "hpa");
            Console.WriteLine($"{name}: {trace.Count} requests; {comparison.RenderYardsticks()}");
            var entries = new JsonArray();
            foreach (var run in comparison.Runs)
            {
                var att = run.Stats.SloAttainment ?? 0;
                var fair = run.Name.EndsWith("(fair)", StringComparison.Ordinal);
                var vsHpa = run.Result.GpuSeconds / hpa.Result.GpuSeconds;
                var met = fair || run.Name == "hpa" ? "-" : att >= attainment && run.FairStaticRatio <= budget ? "met" : "not met";
                rows.Add([name, model, run.Name, P(att), F(run.Result.ServingGpuSeconds), F(run.Result.ReservedGpuSeconds), F(run.Result.GpuSeconds),
                    R(run.FairStaticRatio), R(run.OracleRatio), R(vsHpa), met]);
                entries.Add(new JsonObject
                {
                    ["policy"] = run.Name,
                    ["sloAttainment"] = att,
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
                    verdicts.Add($"{name} {model} {run.Name}: >= {P(attainment)} at <= {R(budget)}x fair static: {met}; >= 1.0x oracle: {(run.OracleRatio >= 1 ? "met" : "NOT met")}; "
                        + $"vs hpa: {(att >= (hpa.Stats.SloAttainment ?? 0) ? "at or above hpa's attainment" : "below hpa's attainment")}, "
                        + $"GPU-s {(vsHpa - 1) * 100:+0.#;-0.#} % vs hpa (target -30 %): {(att >= (hpa.Stats.SloAttainment ?? 0) && vsHpa <= 0.7 ? "met" : "not met")}");
                }
            }

            report.Add(new JsonObject
            {
                ["trace"] = name,
                ["model"] = model,
                ["requests"] = trace.Count,
                ["attainmentTarget"] = attainment,
                ["fairStaticBudget"] = budget,
                ["yardsticks"] = comparison.ToJson(withTimeline: false),
                ["policies"] = entries,
            });
        }
    }

    /// <summary>The CSV of a trace named conv or code under <paramref name="traces"/>.</summary>
    internal static string TracePath(string traces, string name) => Path.Combine(traces, $"AzureLLMInferenceTrace_{name}.csv");

    internal static string P(double v) => (v * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    internal static string F(double v) => v.ToString("0", CultureInfo.InvariantCulture);

    internal static string R(double v) => v.ToString("0.00", CultureInfo.InvariantCulture);
}
