using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Tandem.Scaling.Models;
using Tandem.Scaling.Policies;
using Tandem.Scaling.Simulation;
using Tandem.Scaling.Workload;

namespace Tandem.Benchmarks.Scaling;

/// <summary>
/// The targets on a grid, so a policy change is judged on windows, load scales and models no issue names, not on the
/// two whole traces: every cell (trace × window × scale × model) finds its own fair static fleet and runs each policy
/// under each variant; the table gives attainment and GPU-seconds as a multiple of that fleet per cell, then aggregates
/// per run over all cells and per trace. Cells run in parallel (<c>--parallel</c>, default the core count).
/// <c>dotnet run -c Release --project tests/Tandem.Benchmarks -- targets --sweep [--variants fixed,bursts]</c>.
/// </summary>
internal static class TargetsSweep
{
    private const string DefaultJson = "BenchmarkDotNet.Artifacts/results/scaling-sweep.json";

    /// <summary>One policy under one variant in one cell.</summary>
    private sealed record RunResult(string Label, double Attainment, double GpuSeconds, double ReservedGpuSeconds, double FairStaticRatio);

    /// <summary>One cell of the grid with its fair static fleet (null when none up to the search limit reaches the target).</summary>
    private sealed record Cell(int Index, string Trace, TraceWindow Window, double Scale, string Model, int Requests, FairStaticFleet? Fair, IReadOnlyList<RunResult> Runs)
    {
        public double Budget => TargetsBenchmark.Targets.Single(t => t.Trace == Trace).FairStaticRatio;

        public double Target => TargetsBenchmark.Targets.Single(t => t.Trace == Trace).Attainment;
    }

    public static int Run(TargetsArguments a)
    {
        var traces = TargetsBenchmark.Targets.Select(t => t.Trace).ToArray();
        Dictionary<string, IReadOnlyList<TraceRequest>> parsed;
        try
        {
            parsed = traces.ToDictionary(t => t, t => TraceLoader.Load(TargetsBenchmark.TracePath(a.Traces, t)));
            foreach (var p in a.Policies)
            {
                ScalingPolicies.Create(p, "--policies");
            }
        }
        catch (Exception e) when (e is ArgumentException or FormatException or IOException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }

        var labels = a.Policies.SelectMany(p => a.Variants.Select(v => $"{p}/{v.Name}")).ToArray();
        var grid = (from t in traces from w in a.Windows from s in a.Scales from m in a.Models select (t, w, s, m)).ToArray();
        Console.Error.WriteLine($"sweep: {grid.Length} cells x ({labels.Length} runs + a fair static search), {a.Parallel} in parallel");
        var clock = Stopwatch.StartNew();
        var done = 0;
        var cells = new ConcurrentBag<Cell>();
        Parallel.ForEach(grid.Select((g, k) => (g, k)), new ParallelOptions { MaxDegreeOfParallelism = a.Parallel }, item =>
        {
            var ((trace, window, scale, model), index) = item;
            var started = clock.Elapsed;
            var cell = RunCell(index, trace, window, scale, model, parsed[trace], a);
            cells.Add(cell);
            var fair = cell.Fair is { } f ? $"fair {f.Name}" : "no fair static fleet";
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"[{Interlocked.Increment(ref done)}/{grid.Length}] {trace} {window} x{scale} {model}: {cell.Requests} requests, {fair}, {(clock.Elapsed - started).TotalSeconds:0.0} s"));
        });

        var ordered = cells.OrderBy(c => c.Index).ToArray();
        PrintCells(ordered, labels);
        Console.WriteLine();
        var aggregates = Aggregates(ordered, labels, traces);
        PrintAggregates(aggregates);
        var json = a.Json ?? DefaultJson;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(json))!);
        File.WriteAllText(json, new JsonObject
        {
            ["windows"] = new JsonArray(a.Windows.Select(w => (JsonNode)w.ToString()).ToArray()),
            ["scales"] = new JsonArray(a.Scales.Select(s => (JsonNode)s).ToArray()),
            ["models"] = new JsonArray(a.Models.Select(m => (JsonNode)m).ToArray()),
            ["runs"] = new JsonArray(labels.Select(l => (JsonNode)l).ToArray()),
            ["cells"] = new JsonArray(ordered.Select(CellJson).ToArray()),
            ["aggregates"] = new JsonArray(aggregates.Select(g => (JsonNode)new JsonObject
            {
                ["scope"] = g.Scope,
                ["run"] = g.Label,
                ["cells"] = g.Cells,
                ["meanAttainment"] = g.MeanAttainment,
                ["minAttainment"] = g.MinAttainment,
                ["cellsAtTarget"] = g.AtTarget,
                ["geoMeanFairStaticRatio"] = g.GeoMeanRatio,
                ["attainmentPerFairStaticGpuSecond"] = g.AttainmentPerGpu,
                ["cellsMeetingTargets"] = g.Met,
            }).ToArray()),
        }.ToJsonString(StatsTable.JsonOptions));
        Console.WriteLine($"{ordered.Length} cells in {clock.Elapsed.TotalSeconds:0} s; JSON: {Path.GetFullPath(json)}");
        return 0;
    }

    private static Cell RunCell(int index, string trace, TraceWindow window, double scale, string model, IReadOnlyList<TraceRequest> all, TargetsArguments a)
    {
        var requests = TraceLoader.Cut(all, window, scale);
        var options = new SimulationOptions { Model = SeedModels.Get(model) };
        FairStaticFleet? fair = null;
        try
        {
            fair = FairStatic.Find(requests, options, options.AttainmentTarget);
        }
        catch (ArgumentException)
        {
            // No fixed fleet up to FairStatic.Limit reaches the target: the cell reports runs without a ratio.
        }

        var runs = new List<RunResult>();
        foreach (var policy in a.Policies)
        {
            foreach (var variant in a.Variants)
            {
                var result = Simulator.Run(requests, ScalingPolicies.Create(policy, "--policies"), variant.Apply(options));
                var ratio = fair is { Result.GpuSeconds: > 0 } f ? result.GpuSeconds / f.Result.GpuSeconds : double.NaN;
                runs.Add(new RunResult($"{policy}/{variant.Name}", result.Stats().SloAttainment ?? 0, result.GpuSeconds, result.ReservedGpuSeconds, ratio));
            }
        }

        return new Cell(index, trace, window, scale, model, requests.Count, fair, runs);
    }

    private static void PrintCells(IReadOnlyList<Cell> cells, IReadOnlyList<string> labels)
    {
        var rows = new List<string[]> { new[] { "trace", "window", "scale", "model", "fair static", "fair GPU-s" }.Concat(labels).ToArray() };
        rows.AddRange(cells.Select(c => new[]
        {
            c.Trace, c.Window.ToString(), c.Scale.ToString(CultureInfo.InvariantCulture), c.Model,
            c.Fair?.Name ?? "none", c.Fair is { } f ? TargetsBenchmark.F(f.Result.GpuSeconds) : "-",
        }.Concat(c.Runs.Select(r => $"{TargetsBenchmark.P(r.Attainment)} {Ratio(r.FairStaticRatio)}")).ToArray()));
        Console.WriteLine("attainment and GPU-seconds as a multiple of the cell's fair static fleet:");
        Print(rows, leftColumns: 5);
    }

    /// <summary>One run's numbers over a set of cells.</summary>
    private sealed record Aggregate(string Scope, string Label, int Cells, double MeanAttainment, double MinAttainment, int AtTarget, double GeoMeanRatio, double AttainmentPerGpu, int Met);

    private static List<Aggregate> Aggregates(IReadOnlyList<Cell> cells, IReadOnlyList<string> labels, IReadOnlyList<string> traces)
    {
        var scopes = new[] { "all" }.Concat(traces);
        var list = new List<Aggregate>();
        foreach (var scope in scopes)
        {
            foreach (var label in labels)
            {
                var picked = cells.Where(c => c.Fair is not null && (scope == "all" || c.Trace == scope))
                    .Select(c => (Cell: c, Run: c.Runs.Single(r => r.Label == label))).ToArray();
                if (picked.Length == 0)
                {
                    continue;
                }

                list.Add(new Aggregate(
                    scope, label, picked.Length,
                    picked.Average(p => p.Run.Attainment),
                    picked.Min(p => p.Run.Attainment),
                    picked.Count(p => p.Run.Attainment >= p.Cell.Target - 1e-12),
                    Math.Exp(picked.Average(p => Math.Log(p.Run.FairStaticRatio))),
                    picked.Average(p => p.Run.Attainment / p.Run.FairStaticRatio),
                    picked.Count(p => p.Run.Attainment >= p.Cell.Target - 1e-12 && p.Run.FairStaticRatio <= p.Cell.Budget)));
            }
        }

        return list;
    }

    private static void PrintAggregates(IReadOnlyList<Aggregate> aggregates)
    {
        var rows = new List<string[]> { new[] { "cells", "run", "n", "mean attainment", "min attainment", ">= 99 %", "geo-mean x fair static", "attainment / x fair static", "targets met" } };
        rows.AddRange(aggregates.Select(g => new[]
        {
            g.Scope, g.Label, g.Cells.ToString(CultureInfo.InvariantCulture), TargetsBenchmark.P(g.MeanAttainment), TargetsBenchmark.P(g.MinAttainment),
            g.AtTarget.ToString(CultureInfo.InvariantCulture), TargetsBenchmark.R(g.GeoMeanRatio), TargetsBenchmark.R(g.AttainmentPerGpu), g.Met.ToString(CultureInfo.InvariantCulture),
        }));
        Console.WriteLine("aggregates (cells with a fair static fleet; targets met = >= 99 % at <= 1.0x fair static on conv, <= 0.8x on code):");
        Print(rows, leftColumns: 2);
    }

    private static JsonNode CellJson(Cell c) => new JsonObject
    {
        ["trace"] = c.Trace,
        ["window"] = c.Window.ToString(),
        ["scale"] = c.Scale,
        ["model"] = c.Model,
        ["requests"] = c.Requests,
        ["fairStatic"] = c.Fair is { } f ? new JsonObject { ["name"] = f.Name, ["sloAttainment"] = f.Attainment, ["gpuSeconds"] = f.Result.GpuSeconds } : null,
        ["runs"] = new JsonArray(c.Runs.Select(r => (JsonNode)new JsonObject
        {
            ["run"] = r.Label,
            ["sloAttainment"] = r.Attainment,
            ["gpuSeconds"] = r.GpuSeconds,
            ["reservedGpuSeconds"] = r.ReservedGpuSeconds,
            ["fairStaticRatio"] = double.IsNaN(r.FairStaticRatio) ? null : r.FairStaticRatio,
        }).ToArray()),
    };

    private static string Ratio(double r) => double.IsNaN(r) ? "-" : TargetsBenchmark.R(r) + "x";

    private static void Print(List<string[]> rows, int leftColumns)
    {
        var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        foreach (var row in rows)
        {
            Console.WriteLine(string.Join("  ", row.Select((cell, c) => c < leftColumns ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c]))));
        }
    }
}
