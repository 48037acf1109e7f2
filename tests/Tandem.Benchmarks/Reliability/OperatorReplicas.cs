using System.Diagnostics;
using k8s;
using k8s.Autorest;

namespace Tandem.Benchmarks.Reliability;

/// <summary>
/// Runs the operator as separate <c>tandem operator --leader-elect</c> processes, as a Deployment with replicas would:
/// keeps <see cref="Replicas"/> of them alive (a process that exits or is killed is replaced, like a kubelet restart),
/// knows which one leads from the Lease, and delivers SIGTERM, SIGKILL, SIGSTOP and SIGCONT to it.
/// </summary>
internal sealed class OperatorReplicas : IAsyncDisposable
{
    /// <summary>Short lease timings so a failover is measured in seconds (the production defaults are 15/10/2 s).</summary>
    public static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(4);
    public static readonly TimeSpan RenewDeadline = TimeSpan.FromSeconds(3);
    public static readonly TimeSpan RetryPeriod = TimeSpan.FromMilliseconds(500);

    private const string LeaseName = "tandem-operator";
    private readonly object _gate = new();
    private readonly Dictionary<string, Process> _processes = [];
    private readonly HashSet<string> _paused = [];
    private readonly Dictionary<string, int> _ports = [];
    private readonly string _kubeconfig;
    private readonly string _logFolder;
    private readonly IKubernetes _client;
    private readonly CancellationTokenSource _stop = new();
    private Task? _supervisor;
    private int _next;

    public OperatorReplicas(IKubernetes client, string kubeconfig, string logFolder, int replicas)
    {
        _client = client;
        _kubeconfig = kubeconfig;
        _logFolder = logFolder;
        Replicas = replicas;
    }

    public int Replicas { get; }

    /// <summary>Processes started so far (the first <see cref="Replicas"/> plus every replacement).</summary>
    public int Started { get { lock (_gate) return _next; } }

    public void Start()
    {
        lock (_gate)
        {
            while (_processes.Count < Replicas) Launch();
        }

        _supervisor = Task.Run(SuperviseAsync);
    }

    /// <summary>The identity holding the Lease and its process, when the holder is one of ours and alive.</summary>
    public async Task<(string Identity, Process Process)?> LeaderAsync(CancellationToken cancel)
    {
        string? holder;
        try
        {
            var lease = await _client.CoordinationV1.ReadNamespacedLeaseAsync(LeaseName, "default", cancellationToken: cancel);
            holder = lease.Spec?.HolderIdentity;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }

        lock (_gate)
        {
            return holder is not null && _processes.TryGetValue(holder, out var p) && !p.HasExited ? (holder, p) : null;
        }
    }

    /// <summary>Waits until a live process of ours other than <paramref name="not"/> holds a renewed Lease; returns its identity.</summary>
    public async Task<string> WaitForLeaderAsync(string? not, TimeSpan deadline, CancellationToken cancel)
    {
        var until = Stopwatch.GetTimestamp() + (long)(deadline.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            cancel.ThrowIfCancellationRequested();
            try
            {
                if (await LeaderAsync(cancel) is { } leader && leader.Identity != not && !IsPaused(leader.Identity)) return leader.Identity;
            }
            catch (HttpOperationException)
            {
                // An injected API fault: look again.
            }
            catch (HttpRequestException)
            {
            }

            if (Stopwatch.GetTimestamp() > until) throw new TimeoutException($"no operator took the lease within {deadline.TotalSeconds:F0} s (previous leader {not ?? "none"})");
            await Task.Delay(100, cancel);
        }
    }

    /// <summary>Waits until every process of ours answers its /healthz (a replacement has started and can take over).</summary>
    public async Task WaitForStandbyAsync(TimeSpan deadline, CancellationToken cancel)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var watch = Stopwatch.StartNew();
        while (true)
        {
            int[] ports;
            lock (_gate) ports = [.. _ports.Where(p => _processes.TryGetValue(p.Key, out var process) && !process.HasExited && !_paused.Contains(p.Key)).Select(p => p.Value)];
            var healthy = 0;
            foreach (var port in ports)
            {
                try
                {
                    using var response = await http.GetAsync($"http://127.0.0.1:{port}/healthz", cancel);
                    if (response.IsSuccessStatusCode) healthy++;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancel.IsCancellationRequested)
                {
                }
            }

            if (healthy >= Replicas) return;
            if (watch.Elapsed > deadline) throw new TimeoutException($"only {healthy} of {Replicas} operator processes answered /healthz within {deadline.TotalSeconds:F0} s");
            await Task.Delay(200, cancel);
        }
    }

    /// <summary>Sends a signal to the process with this identity (SIGSTOP marks it paused until SIGCONT).</summary>
    public void Signal(string identity, int signal)
    {
        lock (_gate)
        {
            if (!_processes.TryGetValue(identity, out var process)) return;
            Signals.Send(process.Id, signal);
            if (signal == Signals.Stop) _paused.Add(identity);
            if (signal == Signals.Cont) _paused.Remove(identity);
        }
    }

    private bool IsPaused(string identity)
    {
        lock (_gate) return _paused.Contains(identity);
    }

    private void Launch()
    {
        var identity = $"operator-{++_next}";
        var tandem = Path.Combine(AppContext.BaseDirectory, "tandem.dll");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var port = FreePort();
        _ports[identity] = port;
        foreach (var arg in new[] { "exec", tandem, "operator", "--kubeconfig", _kubeconfig, "--leader-elect", "--metrics-address", $"127.0.0.1:{port}" }) start.ArgumentList.Add(arg);
        start.Environment["Runtime__LeaderElection__Identity"] = identity;
        start.Environment["Runtime__LeaderElection__LeaseDuration"] = LeaseDuration.ToString();
        start.Environment["Runtime__LeaderElection__RenewDeadline"] = RenewDeadline.ToString();
        start.Environment["Runtime__LeaderElection__RetryPeriod"] = RetryPeriod.ToString();
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start tandem operator");
        var log = Path.Combine(_logFolder, identity + ".log");
        var gate = new object();
        void Write(string? line)
        {
            if (line is not null) lock (gate) File.AppendAllText(log, line + Environment.NewLine);
        }

        process.OutputDataReceived += (_, e) => Write(e.Data);
        process.ErrorDataReceived += (_, e) => Write(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _processes[identity] = process;
    }

    private static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Replaces exited processes (bounded: stops on dispose).</summary>
    private async Task SuperviseAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            lock (_gate)
            {
                foreach (var (identity, process) in _processes.Where(p => p.Value.HasExited).ToArray())
                {
                    _processes.Remove(identity);
                    _paused.Remove(identity);
                    _ports.Remove(identity);
                    process.Dispose();
                }

                while (_processes.Count < Replicas) Launch();
            }

            try
            {
                await Task.Delay(200, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_supervisor is not null) await _supervisor;
        Process[] left;
        lock (_gate) left = [.. _processes.Values];
        foreach (var process in left)
        {
            Signals.Send(process.Id, Signals.Cont);
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            process.Dispose();
        }

        _stop.Dispose();
    }
}
