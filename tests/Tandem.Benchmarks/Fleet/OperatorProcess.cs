using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Tandem.Operator.Hosting;

namespace Tandem.Benchmarks.Fleet;

/// <summary>
/// The operator in a process of its own (so its RSS and heap are its own): this benchmark's executable started with
/// <c>fleet operator-process</c>, which builds the operator exactly as <c>tandem operator</c> does (OperatorHost with a
/// kubeconfig, so the client has its QPS/burst limit) and exits when its stdin closes, i.e. when the benchmark ends.
/// </summary>
internal sealed class OperatorProcess : IAsyncDisposable
{
    public const string ChildSwitch = "operator-process";

    private readonly Process _process;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    private OperatorProcess(Process process, Uri metrics)
    {
        _process = process;
        MetricsUrl = metrics;
    }

    public Uri MetricsUrl { get; }

    public int Id => _process.Id;

    /// <summary>Starts the child and waits until it serves /metrics.</summary>
    public static async Task<OperatorProcess> StartAsync(string kubeconfig, double qps, int burst, Action<string> log, CancellationToken cancel)
    {
        var port = FreePort();
        var start = new ProcessStartInfo(Environment.ProcessPath ?? throw new InvalidOperationException("no process path"))
        {
            RedirectStandardInput = true,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        if (Path.GetFileNameWithoutExtension(start.FileName) == "dotnet")
        {
            start.ArgumentList.Add(typeof(OperatorProcess).Assembly.Location);
        }

        foreach (var arg in new[] { "fleet", ChildSwitch, kubeconfig, $"127.0.0.1:{port}", qps.ToString(CultureInfo.InvariantCulture), burst.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("the operator process did not start");
        process.OutputDataReceived += (_, e) => { if (e.Data is { Length: > 0 } line) log("  operator: " + line); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { Length: > 0 } line) log("  operator: " + line); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var child = new OperatorProcess(process, new Uri($"http://127.0.0.1:{port}/metrics"));
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            try
            {
                await child.ScrapeAsync(cancel).ConfigureAwait(false);
                return child;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < until && !process.HasExited)
            {
                await Task.Delay(200, cancel).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The child's side: runs the operator until stdin closes.</summary>
    public static async Task<int> RunChildAsync(string[] args)
    {
        var (kubeconfig, address, qps, burst) = (args[0], args[1], args[2], args[3]);
        await using var app = OperatorHost.Build(new OperatorHostSettings
        {
            MetricsAddress = address,
            MinimumLogLevel = LogLevel.Warning,
            Configuration = new Dictionary<string, string?>
            {
                ["Runtime:Kubeconfig"] = kubeconfig,
                ["Runtime:Qps"] = qps,
                ["Runtime:Burst"] = burst,
            },
        });
        await app.StartAsync().ConfigureAwait(false);
        // The parent holds our stdin: end of input means it is gone (or done), so the operator never outlives it.
        await Console.In.ReadToEndAsync().ConfigureAwait(false);
        await app.StopAsync().ConfigureAwait(false);
        return 0;
    }

    public async Task<PrometheusSamples> ScrapeAsync(CancellationToken cancel) =>
        PrometheusSamples.Parse(await _http.GetStringAsync(MetricsUrl, cancel).ConfigureAwait(false));

    /// <summary>Resident set size from /proc (what the kernel charges the process), in bytes.</summary>
    public long ResidentBytes() => ProcStatus.ResidentBytes(_process.Id);

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await _process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
        _http.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>Reads a process's memory and CPU from /proc (Linux), the figures <c>ps</c> and <c>top</c> show.</summary>
internal static class ProcStatus
{
    public static long ResidentBytes(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            }
        }

        return 0;
    }
}
