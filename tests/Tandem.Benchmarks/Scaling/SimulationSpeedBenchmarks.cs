using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Tandem.Scaling.Models;
using Tandem.Scaling.Policies;
using Tandem.Scaling.Simulation;
using Tandem.Scaling.Workload;

namespace Tandem.Benchmarks.Scaling;

/// <summary>
/// Simulated seconds per wall second: the bounds policy on the full one-hour Azure traces (from ../shared/traces,
/// found by walking up from the working folder, or TANDEM_TRACES), at load scale 1 and 2.
/// Run: <c>dotnet run -c Release --project tests/Tandem.Benchmarks -- --filter '*SimulationSpeed*'</c>.
/// </summary>
[Config(typeof(SpeedConfig))]
public class SimulationSpeedBenchmarks
{
    private IReadOnlyList<TraceRequest> trace = [];

    [Params("conv", "code")]
    public string Trace { get; set; } = "conv";

    [Params(1.0, 2.0)]
    public double Scale { get; set; } = 1;

    [GlobalSetup]
    public void Setup()
    {
        trace = TraceLoader.Load(TracePath(Trace), TraceWindow.All, Scale);
    }

    [Benchmark]
    public double SimulateBounds() =>
        Simulator.Run(trace, new BoundsPolicy(), new SimulationOptions { Model = SeedModels.Get("llama3-8b") }).GpuSeconds;

    /// <summary>The trace's path: TANDEM_TRACES, else the first shared/traces folder found walking up.</summary>
    public static string TracePath(string kind)
    {
        var file = $"AzureLLMInferenceTrace_{kind}.csv";
        if (Environment.GetEnvironmentVariable("TANDEM_TRACES") is { Length: > 0 } env)
        {
            return Path.Combine(env, file);
        }

        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "traces", file);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return kind == "code" ? "AzureCode2023-5min" : "AzureConv2023-5min"; // the shipped windows, when the full traces are absent
    }

    private sealed class SpeedConfig : ManualConfig
    {
        public SpeedConfig()
        {
            AddJob(Job.ShortRun.WithInvocationCount(1).WithUnrollFactor(1));
            AddColumn(new SimulatedPerWallColumn());
        }
    }

    /// <summary>Column: simulated seconds of the trace divided by the mean wall time of one simulation.</summary>
    private sealed class SimulatedPerWallColumn : IColumn
    {
        public string Id => nameof(SimulatedPerWallColumn);
        public string ColumnName => "sim s / wall s";
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => 0;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => "Simulated trace seconds per wall-clock second";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
        {
            var report = summary[benchmarkCase];
            if (report?.ResultStatistics is not { } stats)
            {
                return "-";
            }

            var kind = (string)benchmarkCase.Parameters["Trace"];
            var scale = (double)benchmarkCase.Parameters["Scale"];
            var simulated = TraceLoader.Load(TracePath(kind), TraceWindow.All, scale)[^1].ArrivalSeconds;
            return (simulated / (stats.Mean / 1e9)).ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
        }

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);
        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
        public bool IsAvailable(Summary summary) => true;
    }
}
