using Tandem.Emulator;

namespace Tandem.Cli.Tests.Chart;

/// <summary>An API emulator with a kubeconfig on disk, and helm/kubectl invocations pointed at it.</summary>
internal sealed class EmulatedClusterTools : IAsyncDisposable
{
    private readonly DirectoryInfo _home;

    private EmulatedClusterTools(EmulatedCluster cluster, DirectoryInfo home, string kubeconfig)
    {
        Cluster = cluster;
        _home = home;
        Kubeconfig = kubeconfig;
    }

    public EmulatedCluster Cluster { get; }

    public string Kubeconfig { get; }

    public string WorkDirectory => _home.FullName;

    public static async Task<EmulatedClusterTools> StartAsync()
    {
        var cluster = await EmulatedCluster.StartAsync();
        var home = Directory.CreateTempSubdirectory("tandem-chart-cluster-");
        return new EmulatedClusterTools(cluster, home, cluster.WriteKubeconfig(Path.Combine(home.FullName, "kubeconfig")));
    }

    public async Task<ProcessResult> HelmAsync(params string[] args) =>
        await ExternalProcess.RunAsync(await ChartTools.HelmAsync(), [.. args, "--kubeconfig", Kubeconfig], ChartTools.HelmEnvironment);

    public async Task<ProcessResult> KubectlAsync(params string[] args) =>
        await ExternalProcess.RunAsync(await ChartTools.KubectlAsync(), [.. args, "--kubeconfig", Kubeconfig]);

    /// <summary>`kubectl get` of one object as parsed JSON, or null when it does not exist.</summary>
    public async Task<System.Text.Json.Nodes.JsonNode?> GetAsync(string resource, string name, string? ns = null)
    {
        var args = new List<string> { "get", resource, name, "-o", "json", "--ignore-not-found" };
        if (ns is not null)
        {
            args.AddRange(["-n", ns]);
        }

        var result = (await KubectlAsync([.. args])).EnsureSuccess($"kubectl get {resource} {name}");
        return string.IsNullOrWhiteSpace(result.Output) ? null : System.Text.Json.Nodes.JsonNode.Parse(result.Output);
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        _home.Delete(recursive: true);
    }
}
