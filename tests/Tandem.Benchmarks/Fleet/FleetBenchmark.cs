using System.Diagnostics;
using System.Globalization;
using k8s;
using Tandem.Cli.Embedded;
using Tandem.Emulator;

namespace Tandem.Benchmarks.Fleet;

/// <summary>
/// Issue 15's scale target as a timed run, not a micro-benchmark: the emulator (in this process, with the mock pod
/// runtime) and the operator (in a child process of its own) with N InferenceDeployments. It creates them, waits until
/// all are Ready and the operator has gone quiet, then measures a steady window (operator RSS and heap, reconcile
/// p50/p99 from its controller_runtime_reconcile_time_seconds, its API requests by verb, the emulator's CPU, memory
/// and handler time), then changes one deployment and counts what that change costs. Prints a table, writes JSON.
/// <c>dotnet run -c Release --project tests/Tandem.Benchmarks -- fleet --deployments 1000</c>
/// </summary>
internal static class FleetBenchmark
{
    public const string Switch = "fleet";

    private static readonly string[] WriteVerbs = ["POST", "PUT", "PATCH", "DELETE"];

    /// <summary>How long the operator's write count must stay flat before the steady window starts.</summary>
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(10);

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length > 0 && args[0] == OperatorProcess.ChildSwitch)
        {
            return await OperatorProcess.RunChildAsync(args[1..]).ConfigureAwait(false);
        }

        FleetArguments options;
        try
        {
            options = FleetArguments.Parse(args);
        }
        catch (ArgumentException error)
        {
            await Console.Error.WriteLineAsync(error.Message).ConfigureAwait(false);
            await Console.Error.WriteLineAsync(FleetArguments.Usage).ConfigureAwait(false);
            return 2;
        }

        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        var json = options.JsonPath ?? $"BenchmarkDotNet.Artifacts/results/fleet-{options.Deployments}.json";
        var result = await MeasureAsync(options, Console.WriteLine, async r =>
        {
            Console.WriteLine();
            Console.Write(FleetReport.Table(r));
            await FleetReport.WriteJsonAsync(json, r, cancel.Token).ConfigureAwait(false);
            Console.WriteLine($"wrote {Path.GetFullPath(json)}");
        }, cancel.Token).ConfigureAwait(false);
        return result.AllReady ? 0 : 1;
    }

    /// <summary>The whole run; <paramref name="log"/> gets progress lines.</summary>
    /// <remarks><paramref name="report"/> gets the result before the thousands of pod servers are stopped.</remarks>
    public static async Task<FleetResult> MeasureAsync(FleetArguments options, Action<string> log, Func<FleetResult, Task> report, CancellationToken cancel)
    {
        var n = options.Deployments;
        // Every pod's server (mock engine, router) is an ASP.NET Core host; by default each watches appsettings.json with an
        // inotify instance, and Linux allows 128 per user: thousands of pods in one process need that off.
        Environment.SetEnvironmentVariable("DOTNET_hostBuilder__reloadConfigOnChange", "false");
        // Two GPUs per deployment at its minimum (one per engine), plus room for the changed one.
        var nodes = (2 * n + 2 + 7) / 8;
        log($"fleet: {n} InferenceDeployments (mock adapter, 1 prefill + 1 decode + 1 router each) on {nodes} nodes x 8 GPUs");
        var folder = Directory.CreateTempSubdirectory("tandem-fleet-").FullName;
        try
        {
            var cluster = await EmulatedCluster.StartAsync(new EmulatedClusterOptions
            {
                Nodes = nodes,
                GpusPerNode = 8,
                PodRuntime = new TandemPodRuntime(),
                PodCidrStart = "127.64.0.2",
            }, cancel).ConfigureAwait(false);
            await using var stop = new StopBounded(cluster, log);
            var kubeconfig = cluster.WriteKubeconfig(Path.Combine(folder, "kubeconfig"));
            using var client = new Kubernetes(cluster.ClientConfiguration);
            var fleet = new FleetWorkload(client, n);
            await fleet.InstallCrdsAsync(cancel).ConfigureAwait(false);

            var limits = new Tandem.Runtime.RuntimeOptions();
            var qps = options.Qps ?? limits.Qps;
            var burst = options.Burst ?? limits.Burst;
            await using var op = await OperatorProcess.StartAsync(kubeconfig, qps, burst, log, cancel).ConfigureAwait(false);
            log($"operator: pid {op.Id}, client limit {qps} QPS / burst {burst}, metrics {op.MetricsUrl}");
            var atStart = await op.ScrapeAsync(cancel).ConfigureAwait(false);

            var emulatorAtStart = cluster.RequestStats.Snapshot();
            var started = Stopwatch.GetTimestamp();
            await fleet.CreateAllAsync(cancel).ConfigureAwait(false);
            log($"created {n} deployments in {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s");
            var (allReady, readySeconds, peakRss) = await WaitReadyAsync(fleet, op, n, options.ReadyTimeout, log, cancel).ConfigureAwait(false);
            var quietSeconds = await WaitQuietAsync(op, log, cancel).ConfigureAwait(false);
            var ramp = await op.ScrapeAsync(cancel).ConfigureAwait(false);
            var emulatorRamp = EmulatorDelta(emulatorAtStart, cluster.RequestStats.Snapshot());

            var steady = await SteadyWindowAsync(cluster, op, options.Steady, log, cancel).ConfigureAwait(false);
            var change = await ChangeOneAsync(fleet, op, log, cancel).ConfigureAwait(false);
            var result = new FleetResult
            {
                Deployments = n,
                Qps = qps,
                Burst = burst,
                AllReady = allReady,
                SecondsToAllReady = readySeconds,
                SecondsToQuiet = quietSeconds,
                PeakOperatorRssBytesDuringRamp = peakRss,
                RampReconcile = ReconcileStats.Between(atStart, ramp),
                RampOperatorRequests = Requests(atStart, ramp),
                RampEmulatorRequests = emulatorRamp,
                Steady = steady,
                Change = change,
            };
            await report(result).ConfigureAwait(false);
            return result;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<(bool AllReady, double Seconds, long PeakRss)> WaitReadyAsync(FleetWorkload fleet, OperatorProcess op, int n, TimeSpan timeout, Action<string> log, CancellationToken cancel)
    {
        var started = Stopwatch.GetTimestamp();
        var lastLog = 0.0;
        long peakRss = 0;
        while (true)
        {
            peakRss = Math.Max(peakRss, op.ResidentBytes());
            var ready = (await fleet.ReadyAsync(cancel).ConfigureAwait(false)).Count;
            var elapsed = Stopwatch.GetElapsedTime(started);
            if (ready == n)
            {
                log($"all {n} Ready after {elapsed.TotalSeconds:F1} s");
                return (true, elapsed.TotalSeconds, peakRss);
            }

            if (elapsed > timeout)
            {
                log($"only {ready}/{n} Ready after {elapsed.TotalSeconds:F0} s; measuring anyway");
                return (false, elapsed.TotalSeconds, peakRss);
            }

            if (elapsed.TotalSeconds - lastLog >= 15)
            {
                lastLog = elapsed.TotalSeconds;
                log($"  {ready}/{n} Ready after {elapsed.TotalSeconds:F0} s (operator RSS {peakRss / 1048576} MB peak)");
            }

            await Task.Delay(TimeSpan.FromSeconds(2), cancel).ConfigureAwait(false);
        }
    }

    /// <summary>Waits until the operator's writes stay flat for <see cref="Quiet"/> (at most 5 minutes).</summary>
    private static async Task<double> WaitQuietAsync(OperatorProcess op, Action<string> log, CancellationToken cancel)
    {
        var started = Stopwatch.GetTimestamp();
        var last = Writes(await op.ScrapeAsync(cancel).ConfigureAwait(false));
        var flatSince = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(flatSince) < Quiet)
        {
            if (Stopwatch.GetElapsedTime(started) > TimeSpan.FromMinutes(5))
            {
                log("the operator never went 10 s without a write; measuring anyway");
                break;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), cancel).ConfigureAwait(false);
            var now = Writes(await op.ScrapeAsync(cancel).ConfigureAwait(false));
            if (now != last)
            {
                last = now;
                flatSince = Stopwatch.GetTimestamp();
            }
        }

        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        log($"operator quiet (no write for {Quiet.TotalSeconds:F0} s) {seconds:F1} s after all Ready");
        return seconds;
    }

    private static async Task<SteadyWindow> SteadyWindowAsync(EmulatedCluster cluster, OperatorProcess op, TimeSpan window, Action<string> log, CancellationToken cancel)
    {
        log($"steady window: {window.TotalSeconds:F0} s");
        var self = Process.GetCurrentProcess();
        var before = await op.ScrapeAsync(cancel).ConfigureAwait(false);
        var emulatorBefore = cluster.RequestStats.Snapshot();
        var watchEventsBefore = cluster.RequestStats.WatchEventsSent;
        self.Refresh();
        var cpuBefore = self.TotalProcessorTime;
        var started = Stopwatch.GetTimestamp();
        long peakRss = 0, peakHeap = 0, peakSelfRss = 0, peakSelfHeap = 0;
        while (Stopwatch.GetElapsedTime(started) < window)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancel).ConfigureAwait(false);
            peakRss = Math.Max(peakRss, op.ResidentBytes());
            peakHeap = Math.Max(peakHeap, (long)(await op.ScrapeAsync(cancel).ConfigureAwait(false)).Sum("dotnet_total_memory_bytes"));
            self.Refresh();
            peakSelfRss = Math.Max(peakSelfRss, self.WorkingSet64);
            peakSelfHeap = Math.Max(peakSelfHeap, GC.GetTotalMemory(false));
        }

        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        self.Refresh();
        var after = await op.ScrapeAsync(cancel).ConfigureAwait(false);
        var emulator = EmulatorDelta(emulatorBefore, cluster.RequestStats.Snapshot());
        return new SteadyWindow
        {
            Seconds = Math.Round(seconds, 1),
            OperatorRequests = Requests(before, after),
            Reconcile = ReconcileStats.Between(before, after),
            OperatorRssBytes = peakRss,
            OperatorManagedHeapBytes = peakHeap,
            OperatorCpuPercent = Math.Round(100 * (after.Sum("process_cpu_seconds_total") - before.Sum("process_cpu_seconds_total")) / seconds, 1),
            EmulatorProcessCpuPercent = Math.Round(100 * (self.TotalProcessorTime - cpuBefore).TotalSeconds / seconds, 1),
            EmulatorProcessRssBytes = peakSelfRss,
            EmulatorProcessManagedHeapBytes = peakSelfHeap,
            EmulatorRequests = emulator,
            EmulatorWatchEvents = cluster.RequestStats.WatchEventsSent - watchEventsBefore,
        };
    }

    /// <summary>Raises one deployment's prefill minimum to 2 and counts the operator's requests until it is Ready with both and quiet.</summary>
    private static async Task<ChangeCost> ChangeOneAsync(FleetWorkload fleet, OperatorProcess op, Action<string> log, CancellationToken cancel)
    {
        var name = FleetWorkload.Name(0);
        log($"change: {name} prefill.min 1 -> 2");
        var before = await op.ScrapeAsync(cancel).ConfigureAwait(false);
        var started = Stopwatch.GetTimestamp();
        await fleet.ChangeAsync(name, 2, cancel).ConfigureAwait(false);
        double? readySeconds = null;
        while (Stopwatch.GetElapsedTime(started) < TimeSpan.FromMinutes(3))
        {
            var (ready, prefill) = await fleet.StateAsync(name, cancel).ConfigureAwait(false);
            if (ready && prefill >= 2)
            {
                readySeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
                break;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancel).ConfigureAwait(false);
        }

        await WaitQuietAsync(op, log, cancel).ConfigureAwait(false);
        var after = await op.ScrapeAsync(cancel).ConfigureAwait(false);
        var requests = Requests(before, after);
        log($"change: Ready with 2 prefill after {readySeconds?.ToString("F1", CultureInfo.InvariantCulture) ?? "(not within 3 min)"} s; operator requests {string.Join(", ", requests.Select(kv => $"{kv.Key} {kv.Value}"))}");
        return new ChangeCost { Description = $"{name}: spec.scaling.prefill.min 1 -> 2", SecondsToReady = readySeconds is { } s ? Math.Round(s, 1) : null, OperatorRequests = requests };
    }

    /// <summary>What the API server served between two snapshots, by verb: requests and handler time.</summary>
    private static Dictionary<string, VerbCost> EmulatorDelta(IReadOnlyList<Tandem.Emulator.Http.RequestStats.VerbTotals> before, IReadOnlyList<Tandem.Emulator.Http.RequestStats.VerbTotals> after)
    {
        var was = before.ToDictionary(v => v.Verb, StringComparer.Ordinal);
        return after
            .Select(v => (v.Verb, Count: v.Requests - (was.GetValueOrDefault(v.Verb)?.Requests ?? 0),
                Ms: (v.HandlerTime - (was.GetValueOrDefault(v.Verb)?.HandlerTime ?? TimeSpan.Zero)).TotalMilliseconds))
            .Where(v => v.Count > 0)
            .ToDictionary(v => v.Verb, v => new VerbCost(v.Count, Math.Round(v.Ms, 1)), StringComparer.Ordinal);
    }

    /// <summary>The operator's API requests by HTTP method (verb) between two scrapes of rest_client_requests_total.</summary>
    private static SortedDictionary<string, long> Requests(PrometheusSamples before, PrometheusSamples after)
    {
        var was = before.SumBy("rest_client_requests_total", "method");
        var result = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (method, count) in after.SumBy("rest_client_requests_total", "method"))
        {
            var delta = (long)Math.Round(count - was.GetValueOrDefault(method));
            if (delta > 0) result[method] = delta;
        }

        return result;
    }

    private static double Writes(PrometheusSamples samples) => WriteVerbs.Sum(v => samples.Sum("rest_client_requests_total", ("method", v)));

    /// <summary>Stops the cluster (every pod server) for at most 30 s: the process ends anyway, the report is out.</summary>
    private sealed class StopBounded(EmulatedCluster cluster, Action<string> log) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await cluster.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                log("(the pod servers were still stopping after 30 s; leaving them to the process exit)");
            }
        }
    }
}
