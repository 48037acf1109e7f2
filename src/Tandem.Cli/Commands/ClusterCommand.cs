using System.CommandLine;
using System.Diagnostics;
using Tandem.Cli.CommandLine;
using Tandem.Emulator;

namespace Tandem.Cli.Commands;

/// <summary>`tandem cluster up`: runs the Kubernetes API emulator standalone and writes a kubeconfig for kubectl and helm.</summary>
internal static class ClusterCommand
{
    public static Command Create()
    {
        var command = new Command("cluster", "Run the embedded Kubernetes API emulator (for the demo, tests and trying kubectl).");
        command.Subcommands.Add(CreateUp());
        command.Subcommands.Add(ClusterFaultsCommand.Create());
        return command;
    }

    private static Command CreateUp()
    {
        var kubeconfig = new Option<string>("--kubeconfig")
        {
            Description = "Where to write the kubeconfig (default: .tandem/kubeconfig under the current directory).",
            DefaultValueFactory = _ => Path.Combine(".tandem", "kubeconfig"),
        };
        var gpus = new Option<int>("--gpus") { Description = "nvidia.com/gpu capacity of each virtual node.", DefaultValueFactory = _ => 8 };
        var nodes = new Option<int>("--nodes") { Description = "Number of virtual nodes.", DefaultValueFactory = _ => 2 };
        var port = new Option<int>("--port") { Description = "API server port on the loopback address (0 = any free port).", DefaultValueFactory = _ => 0 };
        var engines = new Option<string?>("--engines") { Description = "Run pods of the Tandem image in-process: 'mock' gives every engine pod a mock engine and every router pod a router on its pod IP." };
        engines.Validators.Add(r => { if (r.GetValueOrDefault<string?>() is { } v && v != "mock") r.AddError($"--engines \"{v}\" is not supported; the only value is mock"); });
        var address = new Option<string>("--address") { Description = "Loopback address to listen on (127.0.0.0/8).", DefaultValueFactory = _ => "127.0.0.1" };
        gpus.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 0) r.AddError("--gpus must be 0 or more"); });
        nodes.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 1) r.AddError("--nodes must be 1 or more"); });
        port.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 0 or > 65535) r.AddError("--port must be between 0 and 65535"); });
        address.Validators.Add(r =>
        {
            var value = r.GetValueOrDefault<string>();
            if (!System.Net.IPAddress.TryParse(value, out var ip) || !System.Net.IPAddress.IsLoopback(ip))
                r.AddError($"--address \"{value}\" must be a loopback address (127.0.0.0/8)");
        });

        var up = new Command("up", "Start the emulator, write the kubeconfig, and serve until Ctrl-C.");
        foreach (var o in new Option[] { kubeconfig, gpus, nodes, port, address, engines }) up.Options.Add(o);
        up.SetGuardedAction(async (parseResult, ct) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var options = BuildOptions(parseResult.GetValue(address)!, parseResult.GetValue(port), parseResult.GetValue(nodes), parseResult.GetValue(gpus));
            if (parseResult.GetValue(engines) == "mock")
            {
                options.PodRuntime = new Tandem.Cli.Embedded.TandemPodRuntime();
            }
            var kubeconfigPath = OutputPath.CheckCreatingFolder("--kubeconfig", parseResult.GetValue(kubeconfig)!);
            var started = Stopwatch.GetTimestamp();
            await using var cluster = await EmulatedCluster.StartAsync(options, ct);
            var elapsed = Stopwatch.GetElapsedTime(started);
            var path = cluster.WriteKubeconfig(kubeconfigPath);
            await output.WriteLineAsync($"Kubernetes API emulator listening on {cluster.Url} (started in {elapsed.TotalMilliseconds:F0} ms)");
            await output.WriteLineAsync($"{options.Nodes} virtual node(s) with {options.GpusPerNode} nvidia.com/gpu each");
            await output.WriteLineAsync($"kubeconfig: {path}");
            await output.WriteLineAsync($"  export KUBECONFIG={path}");
            await output.WriteLineAsync("Press Ctrl-C to stop.");
            await Serving.UntilCancelledAsync(ct);
            await output.WriteLineAsync("stopping");
            return ExitCodes.Ok;
        });
        return up;
    }

    /// <summary>The emulator settings of `cluster up`; `--engines mock` sets <see cref="EmulatedClusterOptions.PodRuntime"/> here.</summary>
    internal static EmulatedClusterOptions BuildOptions(string address, int port, int nodes, int gpusPerNode) => new()
    {
        ListenAddress = address,
        Port = port,
        Nodes = nodes,
        GpusPerNode = gpusPerNode,
    };
}
