using System.Diagnostics;
using System.Text;
using Tandem.Emulator;

namespace Tandem.Testing;

/// <summary>The result of one kubectl or helm run.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}

/// <summary>
/// An emulator plus a kubeconfig and private helm directories in a temporary folder, and helpers to run kubectl and
/// helm against it. The one emulator-with-kubeconfig fixture of the test projects.
/// </summary>
public sealed class ClientSession : IAsyncDisposable
{
    private readonly string _dir;

    private ClientSession(EmulatedCluster cluster, string dir, string kubeconfig)
    {
        Cluster = cluster;
        _dir = dir;
        Kubeconfig = kubeconfig;
    }

    public EmulatedCluster Cluster { get; }
    public string Kubeconfig { get; }
    public string WorkDir => _dir;

    public static async Task<ClientSession> StartAsync(EmulatedClusterOptions? options = null)
    {
        var dir = Directory.CreateTempSubdirectory("tandem-emu-").FullName;
        var cluster = await EmulatedCluster.StartAsync(options);
        return new ClientSession(cluster, dir, cluster.WriteKubeconfig(Path.Combine(dir, "kubeconfig")));
    }

    public string WriteFile(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    public Task<CliResult> Kubectl(params string[] args) => Run(RealTools.Kubectl, args);
    public Task<CliResult> Helm(params string[] args) => Run(RealTools.Helm, args);

    /// <summary>Runs kubectl and fails the test with its output when it exits non-zero.</summary>
    public async Task<string> KubectlOk(params string[] args)
    {
        var r = await Kubectl(args);
        Assert.True(r.ExitCode == 0, $"kubectl {string.Join(' ', args)} failed: {r}");
        return r.Stdout;
    }

    public async Task<string> HelmOk(params string[] args)
    {
        var r = await Helm(args);
        Assert.True(r.ExitCode == 0, $"helm {string.Join(' ', args)} failed: {r}");
        return r.Stdout;
    }

    /// <summary>Starts a long-running client (e.g. `kubectl get -w`) whose output lines arrive on a channel.</summary>
    public RunningClient Start(string exe, params string[] args)
    {
        var p = Process.Start(StartInfo(exe, args))!;
        return new RunningClient(p);
    }

    private async Task<CliResult> Run(string exe, string[] args)
    {
        var result = await ExternalProcess.RunAsync(exe, args, ClientEnvironment(), _dir, TimeSpan.FromMinutes(2));
        return new CliResult(result.ExitCode, result.Output, result.Error);
    }

    private ProcessStartInfo StartInfo(string exe, string[] args)
    {
        var psi = new ProcessStartInfo(exe, args)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = _dir,
            StandardOutputEncoding = Encoding.UTF8, StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var (name, value) in ClientEnvironment())
        {
            psi.Environment[name] = value;
        }

        return psi;
    }

    /// <summary>The session's kubeconfig, and a home and helm folders of its own, so no client touches the user's.</summary>
    private Dictionary<string, string> ClientEnvironment() => new()
    {
        ["KUBECONFIG"] = Kubeconfig,
        ["HOME"] = _dir,
        ["HELM_CACHE_HOME"] = Path.Combine(_dir, "helm-cache"),
        ["HELM_CONFIG_HOME"] = Path.Combine(_dir, "helm-config"),
        ["HELM_DATA_HOME"] = Path.Combine(_dir, "helm-data"),
        ["NO_COLOR"] = "1",
    };

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>A client process that keeps running (a watch); its stdout lines can be awaited, and it is killed on dispose.</summary>
public sealed class RunningClient : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly StringBuilder _stderr = new();

    public RunningClient(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_lines) _lines.Add(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_stderr) _stderr.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public IReadOnlyList<string> Lines { get { lock (_lines) return [.. _lines]; } }

    public async Task<string> WaitForLine(Func<string, bool> match, string what, int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            var hit = Lines.FirstOrDefault(match);
            if (hit is not null) return hit;
            if (_process.HasExited && Lines.FirstOrDefault(match) is null)
                throw new InvalidOperationException($"the client exited ({_process.ExitCode}) before {what}; output: {string.Join('\n', Lines)}; stderr: {_stderr}");
            await Task.Delay(25);
        }
        throw new TimeoutException($"timed out waiting for {what}; output so far: {string.Join('\n', Lines)}; stderr: {_stderr}");
    }

    public async Task<int> WaitForExit(int seconds = 60)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(true);
        _process.Dispose();
    }
}
