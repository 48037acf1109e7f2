using System.CommandLine;
using k8s;
using Tandem.Cli.Commands;

namespace Tandem.Cli.Tests;

public class ClusterCommandTests
{
    /// <summary>Captures output written from the command's thread while the test reads it.</summary>
    private sealed class LockedWriter : TextWriter
    {
        private readonly System.Text.StringBuilder _text = new();
        public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;
        public override void Write(char value) { lock (_text) _text.Append(value); }
        public override void Write(string? value) { lock (_text) _text.Append(value); }
        public override string ToString() { lock (_text) return _text.ToString(); }
    }

    /// <summary>Invokes `tandem` in-process with a cancellation token (Ctrl-C) and a thread-safe output capture.</summary>
    private static (Task<int> Exit, LockedWriter Output, LockedWriter Error) Start(CancellationToken ct, params string[] args)
    {
        var root = new RootCommand("tandem");
        foreach (var command in CommandCatalog.All()) root.Subcommands.Add(command);
        var output = new LockedWriter();
        var error = new LockedWriter();
        var exit = root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, ct);
        return (exit, output, error);
    }

    [Fact]
    public async Task Cluster_up_writes_a_working_kubeconfig_serves_the_requested_nodes_and_stops_on_cancel()
    {
        var dir = Directory.CreateTempSubdirectory("tandem-cluster-");
        try
        {
            var kubeconfig = Path.Combine(dir.FullName, "kc");
            using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            var (exit, output, _) = Start(cts.Token, "cluster", "up", "--kubeconfig", kubeconfig, "--gpus", "4", "--nodes", "3");
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!output.ToString().Contains("kubeconfig:") && !exit.IsCompleted && DateTime.UtcNow < deadline) await Task.Delay(20);
            Assert.Contains($"kubeconfig: {kubeconfig}", output.ToString());
            Assert.Matches(@"started in \d+ ms", output.ToString());

            var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));
            var nodes = await client.CoreV1.ListNodeAsync();
            Assert.Equal(3, nodes.Items.Count);
            Assert.All(nodes.Items, n => Assert.Equal("4", n.Status.Capacity["nvidia.com/gpu"].ToString()));

            cts.Cancel();
            Assert.Equal(0, await exit);
            Assert.Contains("stopping", output.ToString());
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("--address", "10.1.2.3", "--address")]
    [InlineData("--gpus", "-1", "--gpus")]
    [InlineData("--nodes", "0", "--nodes")]
    [InlineData("--port", "70000", "--port")]
    public async Task Cluster_up_rejects_bad_flags_naming_the_flag(string flag, string value, string named)
    {
        var (exit, _, error) = Start(CancellationToken.None, "cluster", "up", flag, value);
        Assert.NotEqual(0, await exit);
        Assert.Contains(named, error.ToString());
    }
}
