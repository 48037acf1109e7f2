using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsvHelper;
using Tandem.Scaling.Models;
using Tandem.Scaling.Policies;
using Tandem.Scaling.Simulation;
using Tandem.Scaling.Workload;

namespace Tandem.Scaling.Bench;

/// <summary>What happened to one run: executed, or skipped because its summary.json is already in the archive.</summary>
public sealed record BenchRunResult(BenchRun Run, bool Skipped, RunStats Stats, double OracleRatio, int ScaleEvents, string Directory);

/// <summary>
/// Runs a template's runs in simulation and archives them: <c>DIR/RUN/summary.json</c> per run and one
/// <c>DIR/summary.csv</c> for the sweep. A run whose summary.json exists is skipped (checkpoint/resume) unless forced.
/// </summary>
public static class BenchRunner
{
    public static IReadOnlyList<BenchRunResult> Run(BenchTemplate template, string archive, bool force, Action<int, int, BenchRunResult>? progress = null,
        CancellationToken ct = default)
    {
        var runs = BenchPlan.Expand(template);
        Directory.CreateDirectory(archive);
        var results = new List<BenchRunResult>();
        var traces = new Dictionary<string, IReadOnlyList<TraceRequest>>();
        for (var k = 0; k < runs.Count; k++)
        {
            ct.ThrowIfCancellationRequested();
            var run = runs[k];
            var dir = Path.Combine(archive, run.Name);
            var summary = Path.Combine(dir, "summary.json");
            var result = !force && File.Exists(summary) ? ReadBack(run, dir, summary) : Execute(template, run, dir, summary, traces);
            results.Add(result);
            progress?.Invoke(k + 1, runs.Count, result);
        }

        WriteCsv(Path.Combine(archive, "summary.csv"), results);
        return results;
    }

    private static BenchRunResult Execute(BenchTemplate template, BenchRun run, string dir, string summary, Dictionary<string, IReadOnlyList<TraceRequest>> traces)
    {
        var model = template.Models.TryGetValue(run.Model, out var m) ? m : SeedModels.Get(run.Model, "[selection] models");
        var features = FeatureWords.Parse(template.FeatureSets[run.Features], $"[features] {run.Features}");
        var (bounds, interval) = RouterSettings.ToBounds(run.Router, features);
        var dataset = template.Datasets[run.Dataset];
        var key = $"{dataset.Trace}|{dataset.TimeInSeconds}|{dataset.Scale}";
        if (!traces.TryGetValue(key, out var trace))
        {
            trace = traces[key] = TraceLoader.Load(dataset.Trace, new TraceWindow(0, dataset.TimeInSeconds, ByIndex: false), dataset.Scale);
        }

        var options = new SimulationOptions { Model = model, Bounds = bounds, Interval = interval };
        var result = Simulator.Run(trace, ScalingPolicies.Create(run.Policy, "[global] policy"), options);
        var oracle = Oracle.GpuSeconds(trace, model, options.EffectiveSlo);
        var stats = result.Stats();
        var ratio = oracle > 0 ? result.GpuSeconds / oracle : 0;

        var json = new JsonObject
        {
            ["run"] = new JsonObject
            {
                ["name"] = run.Name,
                ["model"] = run.Model,
                ["features"] = run.Features,
                ["featureWords"] = template.FeatureSets[run.Features],
                ["dataset"] = run.Dataset,
                ["trace"] = dataset.Trace,
                ["timeInSecs"] = double.IsPositiveInfinity(dataset.TimeInSeconds) ? null : dataset.TimeInSeconds,
                ["policy"] = run.Policy,
                ["router"] = new JsonObject(run.Router.Select(kv => KeyValuePair.Create(kv.Key, JsonValue(kv.Value)))),
                ["extraEnvs"] = new JsonObject(template.ExtraEnvs.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))),
                ["mode"] = "simulation",
            },
            ["stats"] = JsonSerializer.SerializeToNode(stats, StatsTable.JsonOptions),
            ["servingGpuSeconds"] = result.ServingGpuSeconds,
            ["reservedGpuSeconds"] = result.ReservedGpuSeconds,
            ["oracle"] = new JsonObject { ["gpuSeconds"] = oracle },
            ["oracleRatio"] = ratio,
            ["scaleEvents"] = result.Events.Count,
            ["timeline"] = JsonSerializer.SerializeToNode(result.Events, StatsTable.JsonOptions),
        };
        Directory.CreateDirectory(dir);
        // Write then rename, so an interrupted run never leaves a summary.json that a resume would trust.
        var partial = summary + ".partial";
        File.WriteAllText(partial, json.ToJsonString(StatsTable.JsonOptions));
        File.Move(partial, summary, overwrite: true);
        return new BenchRunResult(run, false, stats, ratio, result.Events.Count, dir);
    }

    private static BenchRunResult ReadBack(BenchRun run, string dir, string summary)
    {
        try
        {
            var node = JsonNode.Parse(File.ReadAllText(summary))!;
            var stats = node["stats"].Deserialize<RunStats>(StatsTable.JsonOptions)!;
            return new BenchRunResult(run, true, stats, node["oracleRatio"]!.GetValue<double>(), node["scaleEvents"]!.GetValue<int>(), dir);
        }
        catch (Exception e) when (e is JsonException or NullReferenceException or InvalidOperationException)
        {
            throw new InvalidDataException($"--checkpoint: {summary} is not a run summary ({e.Message}); delete it or use --force.", e);
        }
    }

    private static JsonNode? JsonValue(object value) => value switch
    {
        long l => l,
        double d => d,
        bool b => b,
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };

    private static void WriteCsv(string path, IReadOnlyList<BenchRunResult> results)
    {
        var routerKeys = results.SelectMany(r => r.Run.Router.Keys).Distinct().Order(StringComparer.Ordinal).ToArray();
        var statFields = typeof(RunStats).GetProperties().Select(p => (Name: JsonNamingPolicy.CamelCase.ConvertName(p.Name), Property: p)).ToArray();
        using var writer = new StreamWriter(path);
        using var csv = CsvWriter.Create(writer, new CsvWriterOptions { FormatProvider = CultureInfo.InvariantCulture }, true);
        foreach (var header in new[] { "run", "model", "features", "dataset", "policy" }.Concat(routerKeys).Concat(statFields.Select(f => f.Name)).Concat(["oracleRatio", "scaleEvents"]))
        {
            csv.WriteField(header);
        }

        csv.EndRecord();
        foreach (var r in results)
        {
            foreach (var cell in new[] { r.Run.Name, r.Run.Model, r.Run.Features, r.Run.Dataset, r.Run.Policy })
            {
                csv.WriteField(cell);
            }

            foreach (var key in routerKeys)
            {
                csv.WriteField(r.Run.Router.TryGetValue(key, out var v) ? BenchRun.Format(v) : "");
            }

            foreach (var (_, property) in statFields)
            {
                csv.WriteField(Convert.ToString(property.GetValue(r.Stats), CultureInfo.InvariantCulture));
            }

            csv.WriteField(r.OracleRatio.ToString("R", CultureInfo.InvariantCulture));
            csv.WriteField(r.ScaleEvents.ToString(CultureInfo.InvariantCulture));
            csv.EndRecord();
        }
    }
}
