using System.Diagnostics;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Tandem.Api.V1Alpha1;
using Tandem.Cli.Embedded;

namespace Tandem.Benchmarks.Reliability;

/// <summary>
/// The reliability run: the emulator with mock engines and routers on pod IPs, the operator as two leader-elected
/// <c>tandem operator</c> processes, and a checking load on one deployment, through scale events, operator kills,
/// leader failovers (SIGTERM, SIGKILL, a paused leader), API faults injected over HTTP, a hung engine and hostile specs.
/// Each scenario is a row: its events, the requests sent meanwhile, how many failed or were cut short, orphaned objects,
/// and how long the deployment took to converge afterwards.
/// </summary>
internal sealed class ReliabilityRun(ReliabilityPlan plan, TextWriter log)
{
    private const string Deployment = "chat";
    private const string Profile = """
        apiVersion: serving.tandem.dev/v1alpha1
        kind: ModelProfile
        metadata:
          name: tiny
        spec:
          source: {uri: hf://example/tiny}
          tensorParallelSize: 1
          numHiddenLayers: 4
          kvCacheBlocks: 64
          throughput: {prefillTokensPerSecond: 4000, transferTokensPerSecond: 200000, decodeStepMillis: 5, decodeStepMillisPerRequest: 0.1}
          loadTime: {storage: 400ms, hostCache: 150ms, peer: 150ms}
        """;

    private const string DeploymentYaml = """
        apiVersion: serving.tandem.dev/v1alpha1
        kind: InferenceDeployment
        metadata:
          name: chat
        spec:
          model: tiny
          features: [fast-load]
          engine: {adapter: mock}
          scaling:
            mode: operator
            interval: 200ms
            prefill: {min: 1, max: 3, utilization: {lower: 0.05, upper: 0.3}}
            decode: {min: 1, max: 3, utilization: {lower: 0.2, upper: 0.7}}
            migration: {lower: 0, upper: 0.4}
            scaleDownDelay: 1s
            standby: {replicas: 1, idleTimeout: 2s}
        """;

    private static readonly TimeSpan ConvergeDeadline = TimeSpan.FromSeconds(90);

    // Long enough answers that the high rate fills the decode KV cache past its band (decode scales up), and none
    // leaves it empty (decode scales down after scaleDownDelay). Prefill's burst-aware hold learns the lull lengths and
    // keeps its instances for as long as the lulls last, so prefill alone would give few events per minute.
    private const int OutputTokens = 120;
    private const double HighRate = 10;
    // A trickle would never let prefill scale down: the burst-aware hold keeps capacity until a real lull (no arrival) outlasts it.
    private const double LowRate = 0;

    private readonly Random _random = new(15);
    private readonly List<ScenarioResult> _results = [];
    private ClusterProbe _probe = null!;
    private CheckingLoad _load = null!;
    private OperatorReplicas _operators = null!;
    private FaultClient _faults = null!;
    private ScaleEventCounter _scale = null!;

    // When the last leader change of the scenario was caused, and the membership version the old leader had published.
    private (long At, long? Version)? _leaderChangedAt;

    /// <summary>Scale events (instances activated or drained) over the whole run, every scenario included.</summary>
    public int TotalScaleEvents { get; private set; }

    /// <summary>Runs every scenario of the plan; the rows come back once the load has drained.</summary>
    public async Task<IReadOnlyList<ScenarioResult>> RunAsync(CancellationToken cancel)
    {
        // Every host (emulator, engines, routers, operators) would watch its appsettings files: the per-user inotify
        // limit (128) runs out with dozens of pods. Nothing here reloads configuration; child processes inherit this.
        Environment.SetEnvironmentVariable("DOTNET_hostBuilder__reloadConfigOnChange", "false");
        var folder = Directory.CreateTempSubdirectory("tandem-reliability-").FullName;
        await using var stack = await EmbeddedStack.StartAsync(new EmbeddedStackOptions { Nodes = 2, GpusPerNode = 8, StartOperator = false, KubeconfigPath = Path.Combine(folder, "kubeconfig") }, cancel);
        _probe = new ClusterProbe(stack.Client);
        _faults = new FaultClient(stack.Cluster.Url);
        await using var operators = _operators = new OperatorReplicas(stack.Client, stack.KubeconfigPath, folder, replicas: 2);
        Log($"emulator {stack.Cluster.Url}, operator logs in {folder}");
        operators.Start();
        await operators.WaitForLeaderAsync(null, TimeSpan.FromSeconds(60), cancel);
        await stack.ApplyAsync(Profile + "\n---\n" + DeploymentYaml, cancel: cancel);
        await _probe.ConvergeAsync(Deployment, ConvergeDeadline, cancel);
        await using var load = _load = new CheckingLoad(c => stack.RouterUrlAsync(Deployment, cancel: c), inputTokens: 600, outputTokens: OutputTokens);
        await load.StartAsync(cancel);
        await using var scale = _scale = new ScaleEventCounter(_probe, Deployment);

        try
        {
            await Scenario("scale up and down", ScaleAsync, cancel);
            await Scenario("operator SIGKILL at random points", KillsAsync, cancel);
            if (plan.SignalFailovers)
            {
                await Scenario("leader failover: SIGTERM", c => FailoverAsync(Signals.Term, c), cancel);
                await Scenario("leader failover: SIGKILL", c => FailoverAsync(Signals.Kill, c), cancel);
                await Scenario("leader failover: paused (SIGSTOP past the lease)", PausedLeaderAsync, cancel);
            }

            await Scenario("API faults: 500, 429, slow, dropped watches, 410", ApiFaultsAsync, cancel);
            if (plan.HungEngine) await Scenario("hung engine (mock hang switch)", HungEngineAsync, cancel);
            await Scenario("hostile specs", HostileAsync, cancel);
        }
        finally
        {
            TotalScaleEvents = scale.Events;
            await _faults.ClearAsync(CancellationToken.None);
            await load.DrainAsync();
            _faults.Dispose();
        }

        var rows = _results.Select(r => r.WithLoad(load.Tally(r.Scenario))).ToList();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // An operator log still open: leave the folder.
        }

        return rows;
    }

    /// <summary>
    /// Runs one scenario and checks the deployment afterwards. Time to converge is from the end of the disturbance to
    /// Ready at the current generation, plus, after a leader change, until the new leader has published router membership.
    /// </summary>
    private async Task Scenario(string name, Func<CancellationToken, Task<(int Events, string Notes, bool Passed)>> body, CancellationToken cancel)
    {
        Log($"scenario: {name}");
        _load.Scenario = name;
        _leaderChangedAt = null;
        var (events, notes, passed) = await body(cancel);
        _load.Rate = LowRate;
        double? converge = null;
        try
        {
            var settled = await _probe.ConvergeAsync(Deployment, ConvergeDeadline, cancel);
            converge = settled.TotalSeconds;
            if (_leaderChangedAt is var (changed, version))
            {
                // The new leader waits for every engine's status before it publishes membership (a restart continues, never resets).
                await _probe.ConvergeAsync(Deployment, ConvergeDeadline, cancel, d => d.Status?.RouterMembershipVersion > version);
                converge = Stopwatch.GetElapsedTime(changed).TotalSeconds;
            }
        }
        catch (TimeoutException e)
        {
            notes += "; " + e.Message;
            passed = false;
        }

        var orphans = await _probe.OrphansAsync(cancel);
        if (orphans.Count > 0) notes += "; orphans: " + string.Join(", ", orphans.Take(5));
        _results.Add(new ScenarioResult(name, events, 0, 0, 0, orphans.Count, converge, notes, passed && orphans.Count == 0));
        Log($"  {events} event(s), converged in {converge:F1} s, {orphans.Count} orphan(s): {notes}");
    }

    /// <summary>Load phases that scale decode (and prefill) up and back down until the plan's number of scale events.</summary>
    private async Task<(int, string, bool)> ScaleAsync(CancellationToken cancel)
    {
        var start = _scale.Events;
        var cycles = 0;
        var watch = Stopwatch.StartNew();
        var cap = TimeSpan.FromSeconds(60 + (plan.ScaleEvents * 10));
        while (_scale.Events - start < plan.ScaleEvents && watch.Elapsed < cap)
        {
            await PhaseAsync(HighRate, f => f.ActiveDecode >= 3, TimeSpan.FromSeconds(30), cancel);
            await PhaseAsync(LowRate, f => f.ActiveDecode <= 1, TimeSpan.FromSeconds(60), cancel);
            cycles++;
        }

        var events = _scale.Events - start;
        return (events, $"{cycles} load cycle(s): {HighRate} req/s until 3 decode instances are active, then none until 1", events >= plan.ScaleEvents);
    }

    /// <summary>Sends at <paramref name="rate"/> until the fleet satisfies <paramref name="until"/> or the time is up.</summary>
    private async Task PhaseAsync(double rate, Func<Fleet, bool> until, TimeSpan most, CancellationToken cancel)
    {
        _load.Rate = rate;
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < most && !(_scale.Current is { } f && until(f)))
        {
            await Task.Delay(200, cancel);
        }
    }

    /// <summary>SIGKILL the leader at a random point of a load phase, again and again; the other replica takes over.</summary>
    private async Task<(int, string, bool)> KillsAsync(CancellationToken cancel)
    {
        var takeovers = new List<double>();
        for (var i = 0; i < plan.OperatorKills; i++)
        {
            _load.Rate = i % 2 == 0 ? HighRate : LowRate; // mid scale-up or mid scale-down
            var leader = await _operators.WaitForLeaderAsync(null, TimeSpan.FromSeconds(60), cancel);
            await Task.Delay(TimeSpan.FromSeconds(0.3 + (_random.NextDouble() * 3)), cancel);
            leader = await _operators.WaitForLeaderAsync(null, TimeSpan.FromSeconds(60), cancel);
            await _operators.WaitForStandbyAsync(TimeSpan.FromSeconds(60), cancel);
            await MarkLeaderChangeAsync(cancel);
            _operators.Signal(leader, Signals.Kill);
            var killed = Stopwatch.StartNew();
            await _operators.WaitForLeaderAsync(leader, TimeSpan.FromSeconds(60), cancel);
            takeovers.Add(killed.Elapsed.TotalSeconds);
        }

        return (plan.OperatorKills, $"{_operators.Started} operator processes in all; new leader after {takeovers.Average():F1} s mean, {takeovers.Max():F1} s max (lease {OperatorReplicas.LeaseDuration.TotalSeconds:F0} s)", true);
    }

    /// <summary>Signals the leader and times until the other replica holds the lease.</summary>
    private async Task<(int, string, bool)> FailoverAsync(int signal, CancellationToken cancel)
    {
        _load.Rate = HighRate;
        var leader = await _operators.WaitForLeaderAsync(null, TimeSpan.FromSeconds(60), cancel);
        await _operators.WaitForStandbyAsync(TimeSpan.FromSeconds(60), cancel);
        await MarkLeaderChangeAsync(cancel);
        _operators.Signal(leader, signal);
        var signalled = Stopwatch.StartNew();
        var next = await _operators.WaitForLeaderAsync(leader, TimeSpan.FromSeconds(60), cancel);
        return (1, $"{leader} -> {next} in {signalled.Elapsed.TotalSeconds:F1} s", true);
    }

    /// <summary>
    /// SIGSTOP the leader past its lease, let the other replica take over under load, then SIGCONT: the old leader must
    /// find it lost the lease (fencing) and the deployment stays converged with no failed request.
    /// </summary>
    private async Task<(int, string, bool)> PausedLeaderAsync(CancellationToken cancel)
    {
        _load.Rate = HighRate;
        var leader = await _operators.WaitForLeaderAsync(null, TimeSpan.FromSeconds(60), cancel);
        await _operators.WaitForStandbyAsync(TimeSpan.FromSeconds(60), cancel);
        await MarkLeaderChangeAsync(cancel);
        _operators.Signal(leader, Signals.Stop);
        var paused = Stopwatch.StartNew();
        var next = await _operators.WaitForLeaderAsync(leader, TimeSpan.FromSeconds(60), cancel);
        var takeover = paused.Elapsed.TotalSeconds;
        await PhaseAsync(LowRate, f => f.Active <= 2, TimeSpan.FromSeconds(10), cancel);
        _operators.Signal(leader, Signals.Cont);
        await Task.Delay(OperatorReplicas.LeaseDuration, cancel);
        var holder = await _operators.LeaderAsync(cancel);
        var kept = holder?.Identity == next;
        return (1, $"{leader} paused; {next} took over in {takeover:F1} s; after SIGCONT the lease is held by {holder?.Identity ?? "nobody"}", kept);
    }

    /// <summary>
    /// 500s on writes, 429 with Retry-After on reads, slow responses, watches dropped every few seconds and the history
    /// compacted (410 Gone on resume) while the load scales the deployment up and down; then the faults stop.
    /// </summary>
    private async Task<(int, string, bool)> ApiFaultsAsync(CancellationToken cancel)
    {
        await _faults.AddAsync(new { verb = "patch", status = 500, percent = 20 }, cancel);
        await _faults.AddAsync(new { verb = "update", status = 500, percent = 20 }, cancel);
        await _faults.AddAsync(new { verb = "create", status = 500, percent = 20 }, cancel);
        await _faults.AddAsync(new { verb = "get", status = 429, retryAfterSeconds = 1, percent = 20 }, cancel);
        await _faults.AddAsync(new { verb = "list", status = 429, retryAfterSeconds = 1, percent = 20 }, cancel);
        await _faults.AddAsync(new { delayMilliseconds = 300, percent = 30 }, cancel);
        var drops = 0;
        var compactions = 0;
        var watch = Stopwatch.StartNew();
        var startEvents = _scale.Events;
        var fired = 0;
        try
        {
            while (watch.Elapsed < plan.FaultPhase)
            {
                _load.Rate = (int)(watch.Elapsed.TotalSeconds / 8) % 2 == 0 ? HighRate : LowRate;
                await Task.Delay(TimeSpan.FromSeconds(2), cancel);
                if (++drops % 3 == 0)
                {
                    await _faults.CompactAsync(cancel);
                    compactions++;
                }

                await _faults.DropWatchesAsync(cancel);
            }

            fired = await _faults.FiredAsync(cancel);
        }
        finally
        {
            await _faults.ClearAsync(CancellationToken.None);
        }

        return (fired + drops + compactions, $"{fired} faulted API requests, {drops} watch drops, {compactions} compactions (410 on resume), {_scale.Events - startEvents} scale events meanwhile", true);
    }

    /// <summary>
    /// Hangs the active decode engine under load (the mock's hang switch: connections stay open, nothing moves, as a
    /// SIGSTOPped engine): the operator must report it (Degraded, EnginesNotResponding) and no request may fail; then it resumes.
    /// </summary>
    private async Task<(int, string, bool)> HungEngineAsync(CancellationToken cancel)
    {
        _load.Rate = HighRate / 3;
        var pod = (await _probe.EnginePodsAsync(Deployment, cancel)).First(p => p.Metadata.Labels.TryGetValue(WellKnownLabels.State, out var s) && s == "active"
            && p.Metadata.Labels.TryGetValue(WellKnownLabels.Role, out var r) && r == "decode");
        var port = pod.Spec.Containers[0].Ports.First(p => p.Name == "http").ContainerPort;
        using var http = new HttpClient { BaseAddress = new Uri($"http://{pod.Status.PodIP}:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        (await http.PostAsync(Tandem.Engines.Mock.MockEngineServer.HangPath + "/hang", null, cancel)).EnsureSuccessStatusCode();
        var hung = Stopwatch.StartNew();
        string? reason = null;
        try
        {
            while (hung.Elapsed < TimeSpan.FromSeconds(45) && reason is null)
            {
                var d = await _probe.DeploymentAsync(Deployment, cancel);
                if (ClusterProbe.Condition(d, "Degraded") is { Status: "True" } c && (c.Message?.Contains(pod.Metadata.Name, StringComparison.Ordinal) ?? false)) reason = c.Reason;
                else await Task.Delay(250, cancel);
            }

            var noticed = hung.Elapsed.TotalSeconds;
            await Task.Delay(TimeSpan.FromSeconds(5), cancel); // load keeps coming while it hangs
            return (1, reason is null ? $"{pod.Metadata.Name} hung; no Degraded condition naming it within 45 s" : $"{pod.Metadata.Name} hung; Degraded={reason} after {noticed:F1} s", reason is not null);
        }
        finally
        {
            (await http.PostAsync(Tandem.Engines.Mock.MockEngineServer.HangPath + "/resume", null, CancellationToken.None)).EnsureSuccessStatusCode();
        }
    }

    /// <summary>Each hostile edit is refused naming its field, or accepted and reported as Stalled/Degraded; no running pod is deleted.</summary>
    private async Task<(int, string, bool)> HostileAsync(CancellationToken cancel)
    {
        _load.Rate = LowRate;
        var specs = HostileSpecs.All.Where(s => plan.StalledSpecs || s.Condition is null).ToList();
        var refused = 0;
        var reported = 0;
        var problems = new List<string>();
        foreach (var spec in specs)
        {
            var before = (await _probe.EnginePodsAsync(Deployment, cancel)).Select(p => p.Metadata.Name).ToHashSet();
            var original = await _probe.DeploymentAsync(Deployment, cancel);
            string? error = null;
            try
            {
                await _probe.Client.CustomObjects.PatchNamespacedCustomObjectAsync(new V1Patch(spec.Patch, V1Patch.PatchType.MergePatch), ApiGroup.Group, ApiGroup.Version, "default",
                    "inferencedeployments", Deployment, fieldValidation: "Strict", cancellationToken: cancel);
            }
            catch (HttpOperationException e) when ((int)e.Response.StatusCode is 400 or 422)
            {
                error = e.Response.Content;
            }

            if (spec.Field is { } field)
            {
                if (error is null)
                {
                    problems.Add($"{spec.Name}: accepted");
                    await RestoreAsync(original, cancel);
                }
                else if (!error.Contains(field, StringComparison.Ordinal))
                {
                    problems.Add($"{spec.Name}: refused without naming {field}");
                }
                else
                {
                    refused++;
                }
            }
            else if (error is not null)
            {
                refused++;
            }
            else
            {
                // Accepted: the operator must say so in a condition, and leave the running pods alone meanwhile.
                var said = await WaitForConditionAsync(spec.Condition!, TimeSpan.FromSeconds(30), cancel);
                var after = (await _probe.EnginePodsAsync(Deployment, cancel)).Select(p => p.Metadata.Name).ToHashSet();
                if (said is null) problems.Add($"{spec.Name}: no {spec.Condition} condition");
                else reported++;
                if (!before.IsSubsetOf(after)) problems.Add($"{spec.Name}: deleted {string.Join(", ", before.Except(after))}");
                await RestoreAsync(original, cancel);
                await _probe.ConvergeAsync(Deployment, ConvergeDeadline, cancel);
            }

            var now = (await _probe.EnginePodsAsync(Deployment, cancel)).Select(p => p.Metadata.Name).ToHashSet();
            if (spec.Field is not null && !before.IsSubsetOf(now)) problems.Add($"{spec.Name}: pods deleted");
        }

        return (specs.Count, $"{refused} refused naming the field, {reported} reported as a condition" + (problems.Count > 0 ? "; " + string.Join("; ", problems) : ""), problems.Count == 0);
    }

    private async Task MarkLeaderChangeAsync(CancellationToken cancel) =>
        _leaderChangedAt = (Stopwatch.GetTimestamp(), (await _probe.DeploymentAsync(Deployment, cancel)).Status?.RouterMembershipVersion);

    private async Task<string?> WaitForConditionAsync(string type, TimeSpan deadline, CancellationToken cancel)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < deadline)
        {
            var d = await _probe.DeploymentAsync(Deployment, cancel);
            if (ClusterProbe.Condition(d, type) is { Status: "True" } c) return c.Reason;
            await Task.Delay(250, cancel);
        }

        return null;
    }

    /// <summary>Puts the spec back as it was before a hostile edit.</summary>
    private async Task RestoreAsync(InferenceDeployment original, CancellationToken cancel)
    {
        var current = await _probe.DeploymentAsync(Deployment, cancel);
        current.Spec = original.Spec;
        var body = JsonNode.Parse(KubernetesJson.Serialize(current))!;
        body["status"] = null;
        await _probe.Client.CustomObjects.ReplaceNamespacedCustomObjectAsync(body, ApiGroup.Group, ApiGroup.Version, "default", "inferencedeployments", Deployment, cancellationToken: cancel);
    }

    private void Log(string line)
    {
        lock (log) log.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {line}");
    }
}
