using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using Tandem.Api.V1Alpha1;
using Tandem.Cli.Embedded;
using Tandem.Engines.Load;
using Tandem.Scaling.Workload;

namespace Tandem.Cli.Demo;

/// <summary>
/// The embedded default: the API emulator, Tandem's CRDs, the operator in-process, mock engines and the router on
/// their pod IPs; applies the demo ModelProfile and InferenceDeployment, replays a trace window against the router
/// with live progress (instances per role and state, load, TTFT, scale events), then prints the stats table and
/// saves a plot. Returns the number of failed requests.
/// </summary>
public sealed class DemoRun(DemoOptions options, TextWriter output)
{
    private const string Deployment = "chat";

    public async Task<int> RunAsync(CancellationToken cancel)
    {
        var window = TraceWindow.Parse(options.Window);
        var trace = TraceLoader.Load(options.Trace, window, options.Speed);
        var slo = new SloTargets(TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(100));
        await output.WriteLineAsync($"tandem demo: {trace.Count} requests of {options.Trace} window {window} at speed {options.Speed.ToString(CultureInfo.InvariantCulture)} (about {Math.Ceiling(trace.LastOrDefault().ArrivalSeconds)} s), policy {options.Policy}");

        var clock = Stopwatch.StartNew();
        await using var stack = await EmbeddedStack.StartAsync(new EmbeddedStackOptions { Nodes = 4, GpusPerNode = 8 }, cancel);
        await output.WriteLineAsync($"[{clock.Elapsed.TotalSeconds,5:F1}s] API emulator on {stack.Cluster.Url}, CRDs installed, operator running (kubeconfig: {stack.KubeconfigPath})");
        await stack.ApplyAsync(Manifest().Replace("policy: bounds", "policy: " + options.Policy, StringComparison.Ordinal), cancel: cancel);
        await output.WriteLineAsync($"[{clock.Elapsed.TotalSeconds,5:F1}s] applied ModelProfile demo-8b and InferenceDeployment {Deployment}; waiting for Ready");
        var router = await WaitForRouterAsync(stack, cancel);
        await output.WriteLineAsync($"[{clock.Elapsed.TotalSeconds,5:F1}s] {Deployment} is Ready; router at {router}; replaying the trace");

        var timeline = new DemoTimeline();
        var done = 0;
        var failed = 0;
        var recentTtft = new List<double>();
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var load = new LoadGenerator(http).RunAsync(new LoadPlan(trace), new LoadOptions
        {
            Url = router,
            Concurrency = 512,
            OnCompleted = o =>
            {
                Interlocked.Increment(ref done);
                if (o.Failed)
                {
                    Interlocked.Increment(ref failed);
                }
                else
                {
                    lock (recentTtft)
                    {
                        recentTtft.Add(o.Ttft * 1000);
                    }
                }
            },
        }, cancel);

        var loadStart = clock.Elapsed;
        var seenEvents = new HashSet<string>();
        while (!load.IsCompleted)
        {
            await Task.WhenAny(load, Task.Delay(options.ProgressInterval, cancel));
            var elapsed = (clock.Elapsed - loadStart).TotalSeconds;
            var fleet = await FleetAsync(stack, cancel);
            var sent = trace.Count(r => r.ArrivalSeconds <= elapsed);
            timeline.Add(new DemoSample(elapsed, fleet.Prefill, fleet.Decode, fleet.Standby, fleet.Warm, fleet.Pods, sent, done, failed));
            double ttft;
            lock (recentTtft)
            {
                ttft = Percentile.Of(recentTtft, 50);
                recentTtft.Clear();
            }

            var status = await StatusAsync(stack, cancel);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"[{elapsed,5:F0}s] sent {sent,4} done {done,4} failed {failed} | prefill {fleet.Prefill} decode {fleet.Decode} standby {fleet.Standby} warm {fleet.Warm} pods {fleet.Pods} | util P {status.Prefill?.Utilization ?? 0:F2} D {status.Decode?.Utilization ?? 0:F2} | TTFT p50 {ttft:F0} ms"));
            foreach (var line in await NewEventsAsync(stack, seenEvents, cancel))
            {
                await output.WriteLineAsync($"        {line}");
            }
        }

        var outcomes = await load;
        var gpuSeconds = timeline.GpuSeconds(gpusPerPod: 1);
        var stats = RunStatsCalculator.Compute(outcomes, slo, gpuSeconds);
        var scaleEvents = seenEvents.Count;
        await output.WriteLineAsync();
        await output.WriteLineAsync(StatsTable.Render([("demo (" + options.Policy + ")", stats)], [("scale events", [scaleEvents.ToString(CultureInfo.InvariantCulture)])]));
        await output.WriteLineAsync($"SLO for attainment: TTFT {slo.Ttft.TotalMilliseconds} ms, TPOT {slo.Tpot.TotalMilliseconds} ms. GPU-seconds count every engine pod (standby and warm too), one GPU each.");
        timeline.Save(options.PlotPath, $"{options.Trace} window {window} at speed {options.Speed.ToString(CultureInfo.InvariantCulture)}, model demo-8b, policy {options.Policy}");
        await output.WriteLineAsync($"plot: {Path.GetFullPath(options.PlotPath)}");
        if (options.JsonPath is { } json)
        {
            var node = JsonSerializer.SerializeToNode(stats, StatsTable.JsonOptions)!.AsObject();
            node["scaleEvents"] = scaleEvents;
            node["policy"] = options.Policy;
            await File.WriteAllTextAsync(json, node.ToJsonString(StatsTable.JsonOptions), cancel);
            await output.WriteLineAsync($"json: {Path.GetFullPath(json)}");
        }

        return stats.FailedRequests;
    }

    private static async Task<Uri> WaitForRouterAsync(EmbeddedStack stack, CancellationToken cancel)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            var status = await StatusAsync(stack, cancel);
            if (status.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true && await stack.RouterUrlAsync(Deployment, cancel: cancel) is { } url)
            {
                return url;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancel);
        }

        throw new TimeoutException($"InferenceDeployment {Deployment} did not become Ready within 90 s.");
    }

    private static async Task<InferenceDeploymentStatus> StatusAsync(EmbeddedStack stack, CancellationToken cancel)
    {
        var raw = (JsonElement)await stack.Client.CustomObjects.GetNamespacedCustomObjectAsync(ApiGroup.Group, ApiGroup.Version, "default", "inferencedeployments", Deployment, cancel);
        return KubernetesJson.Deserialize<InferenceDeployment>(raw.GetRawText()).Status ?? new InferenceDeploymentStatus();
    }

    private static async Task<(int Prefill, int Decode, int Standby, int Warm, int Pods)> FleetAsync(EmbeddedStack stack, CancellationToken cancel)
    {
        var pods = (await stack.Client.CoreV1.ListNamespacedPodAsync("default", labelSelector: $"{WellKnownLabels.Deployment}={Deployment},{WellKnownLabels.Component}=engine", cancellationToken: cancel)).Items
            .Where(p => p.Metadata.DeletionTimestamp is null).ToArray();
        string? Label(k8s.Models.V1Pod p, string key) => p.Metadata.Labels.TryGetValue(key, out var v) ? v : null;
        int Active(string role) => pods.Count(p => Label(p, WellKnownLabels.State) == "active" && Label(p, WellKnownLabels.Role) == role);
        return (Active("prefill"), Active("decode"), pods.Count(p => Label(p, WellKnownLabels.State) == "standby"), pods.Count(p => Label(p, WellKnownLabels.State) == "warm"), pods.Length);
    }

    private static async Task<IReadOnlyList<string>> NewEventsAsync(EmbeddedStack stack, HashSet<string> seen, CancellationToken cancel)
    {
        var events = await stack.Client.EventsV1.ListNamespacedEventAsync("default", cancellationToken: cancel);
        return events.Items
            .Where(e => e.Regarding?.Kind == InferenceDeployment.KubeKind && seen.Add(e.Metadata.Name + "/" + (e.Series?.Count ?? 1)))
            .OrderBy(e => e.EventTime ?? e.Metadata.CreationTimestamp)
            .Select(e => $"{e.Reason}: {Trim(e.Note)}")
            .ToArray();
    }

    private static string Trim(string? note) => note is null ? "" : note.Length <= 150 ? note : note[..147] + "...";

    private static string Manifest()
    {
        using var stream = typeof(DemoRun).Assembly.GetManifestResourceStream("Tandem.Cli.Demo.demo.yaml")
            ?? throw new InvalidOperationException("the demo manifest is not embedded in the program");
        return new StreamReader(stream).ReadToEnd();
    }
}
