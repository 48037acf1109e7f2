using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Tandem.Benchmarks.Fleet;

/// <summary>What one fleet run measured.</summary>
internal sealed record FleetResult
{
    public int Deployments { get; init; }

    public double Qps { get; init; }

    public int Burst { get; init; }

    public bool AllReady { get; init; }

    /// <summary>From the first create to every deployment Ready at its generation.</summary>
    public double SecondsToAllReady { get; init; }

    /// <summary>From all Ready until the operator wrote nothing for 10 s.</summary>
    public double SecondsToQuiet { get; init; }

    public long PeakOperatorRssBytesDuringRamp { get; init; }

    public IReadOnlyDictionary<string, ReconcileStats> RampReconcile { get; init; } = new Dictionary<string, ReconcileStats>();

    public IReadOnlyDictionary<string, long> RampOperatorRequests { get; init; } = new Dictionary<string, long>();

    /// <summary>What the API server served from the first create until the steady window (every client), by verb.</summary>
    public IReadOnlyDictionary<string, VerbCost> RampEmulatorRequests { get; init; } = new Dictionary<string, VerbCost>();

    public SteadyWindow Steady { get; init; } = new();

    public ChangeCost Change { get; init; } = new();
}

/// <summary>The steady window: everything Ready, nothing changing.</summary>
internal sealed record SteadyWindow
{
    public double Seconds { get; init; }

    /// <summary>The operator's API requests by HTTP method over the window (its rest_client_requests_total).</summary>
    public IReadOnlyDictionary<string, long> OperatorRequests { get; init; } = new Dictionary<string, long>();

    public IReadOnlyDictionary<string, ReconcileStats> Reconcile { get; init; } = new Dictionary<string, ReconcileStats>();

    public long OperatorRssBytes { get; init; }

    public long OperatorManagedHeapBytes { get; init; }

    public double OperatorCpuPercent { get; init; }

    /// <summary>The benchmark process: the emulator plus the pod runtime's mock engines and routers (all pods' servers).</summary>
    public double EmulatorProcessCpuPercent { get; init; }

    public long EmulatorProcessRssBytes { get; init; }

    public long EmulatorProcessManagedHeapBytes { get; init; }

    /// <summary>The API server's own work by verb: requests served and time in their handlers.</summary>
    public IReadOnlyDictionary<string, VerbCost> EmulatorRequests { get; init; } = new Dictionary<string, VerbCost>();

    public long EmulatorWatchEvents { get; init; }
}

/// <summary>Requests of one verb and the handler time they took.</summary>
internal sealed record VerbCost(long Requests, double HandlerMs);

/// <summary>What changing one deployment cost.</summary>
internal sealed record ChangeCost
{
    public string Description { get; init; } = "";

    public double? SecondsToReady { get; init; }

    public IReadOnlyDictionary<string, long> OperatorRequests { get; init; } = new Dictionary<string, long>();
}

/// <summary>Reconciles of one controller between two scrapes, and their p50/p99 (histogram interpolation).</summary>
internal sealed record ReconcileStats(long Count, double? P50Ms, double? P99Ms, double? ShareWithin50Ms)
{
    private const string Histogram = "controller_runtime_reconcile_time_seconds";

    public static IReadOnlyDictionary<string, ReconcileStats> Between(PrometheusSamples before, PrometheusSamples after)
    {
        var controllers = after.All.Where(s => s.Name == Histogram + "_count").Select(s => s.Labels["controller"]).Distinct(StringComparer.Ordinal);
        return controllers.ToDictionary(c => c, c =>
        {
            var delta = HistogramWindow.Delta(before.Buckets(Histogram, ("controller", c)), after.Buckets(Histogram, ("controller", c)));
            var count = (long)Math.Round(delta.Count == 0 ? 0 : delta.Last().Value);
            return new ReconcileStats(count, Ms(HistogramWindow.Quantile(delta, 0.5)), Ms(HistogramWindow.Quantile(delta, 0.99)),
                HistogramWindow.ShareAtOrBelow(delta, 0.05) is { } share ? Math.Round(share, 4) : null);
        }, StringComparer.Ordinal);
    }

    private static double? Ms(double? seconds) => seconds is { } s ? Math.Round(s * 1000, 1) : null;
}

/// <summary>Prints the fleet table and writes it as JSON (camelCase, like the other benchmark outputs).</summary>
internal static class FleetReport
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true };

    public static string Table(FleetResult r)
    {
        var rows = new List<(string What, string Value)>
        {
            ("deployments (pods)", $"{r.Deployments} ({3 * r.Deployments})"),
            ("all Ready after", r.AllReady ? $"{r.SecondsToAllReady:F1} s" : $"NOT all Ready after {r.SecondsToAllReady:F0} s"),
            ("operator quiet after all Ready", $"{r.SecondsToQuiet:F1} s"),
            ("operator client limit", $"{r.Qps} QPS, burst {r.Burst}"),
            ("operator requests while converging", Verbs(r.RampOperatorRequests)),
            ("operator RSS peak while converging", Mb(r.PeakOperatorRssBytesDuringRamp)),
            ("emulator requests while converging", EmulatorVerbs(r.RampEmulatorRequests)),
        };
        foreach (var (controller, s) in r.RampReconcile.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            rows.Add(($"reconcile {controller} while converging", Reconcile(s)));
        }

        var w = r.Steady;
        rows.Add(($"steady window", $"{w.Seconds:F0} s"));
        rows.Add(("operator RSS / managed heap (peak)", $"{Mb(w.OperatorRssBytes)} / {Mb(w.OperatorManagedHeapBytes)}"));
        rows.Add(("operator CPU", $"{w.OperatorCpuPercent:F1} %"));
        foreach (var (controller, s) in w.Reconcile.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            rows.Add(($"reconcile {controller} (steady)", Reconcile(s)));
        }

        rows.Add(("operator API requests/s (steady)", PerSecond(w.OperatorRequests, w.Seconds)));
        var writes = w.OperatorRequests.Where(kv => kv.Key != "GET").Sum(kv => kv.Value);
        rows.Add(("operator writes per deployment per hour", (writes / w.Seconds * 3600 / r.Deployments).ToString("F2", CultureInfo.InvariantCulture)));
        rows.Add(("emulator API requests (steady)", EmulatorVerbs(w.EmulatorRequests)));
        rows.Add(("emulator watch events sent (steady)", w.EmulatorWatchEvents.ToString(CultureInfo.InvariantCulture)));
        rows.Add(("emulator+pods process CPU", $"{w.EmulatorProcessCpuPercent:F1} %"));
        rows.Add(("emulator+pods process RSS / managed heap", $"{Mb(w.EmulatorProcessRssBytes)} / {Mb(w.EmulatorProcessManagedHeapBytes)}"));
        rows.Add(("change", r.Change.Description));
        rows.Add(("change: Ready after", r.Change.SecondsToReady is { } s2 ? $"{s2:F1} s" : "not within 3 min"));
        rows.Add(("change: operator requests", Verbs(r.Change.OperatorRequests)));

        var width = rows.Max(x => x.What.Length);
        var valueWidth = rows.Max(x => x.Value.Length);
        var text = new StringBuilder();
        text.AppendLine($"| {"measure".PadRight(width)} | {"value".PadRight(valueWidth)} |");
        text.AppendLine($"|{new string('-', width + 2)}|{new string('-', valueWidth + 2)}|");
        foreach (var (what, value) in rows)
        {
            text.AppendLine($"| {what.PadRight(width)} | {value.PadRight(valueWidth)} |");
        }

        text.AppendLine("reconcile: count, p50 / p99 (interpolated in controller_runtime_reconcile_time_seconds buckets), share <= 50 ms");
        text.AppendLine("emulator: requests served by verb and the mean time in the API handler (a watch: its setup)");
        return text.ToString();
    }

    public static async Task WriteJsonAsync(string path, FleetResult result, CancellationToken cancel)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(result, Json), cancel).ConfigureAwait(false);
    }

    private static string Reconcile(ReconcileStats s) => s.Count == 0
        ? "0 reconciles"
        : string.Create(CultureInfo.InvariantCulture, $"{s.Count}, p50 {s.P50Ms:F1} ms / p99 {s.P99Ms:F1} ms, {100 * (s.ShareWithin50Ms ?? 0):F2} % <= 50 ms");

    private static string EmulatorVerbs(IReadOnlyDictionary<string, VerbCost> requests) => requests.Count == 0
        ? "none"
        : string.Join(", ", requests.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key} {kv.Value.Requests} ({kv.Value.HandlerMs / kv.Value.Requests:F1} ms each)")));

    private static string Verbs(IReadOnlyDictionary<string, long> requests) =>
        requests.Count == 0 ? "none" : string.Join(", ", requests.Select(kv => $"{kv.Key} {kv.Value}"));

    private static string PerSecond(IReadOnlyDictionary<string, long> requests, double seconds) =>
        requests.Count == 0 ? "0" : string.Join(", ", requests.Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key} {kv.Value / seconds:F2}")));

    private static string Mb(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:F0} MB");
}
