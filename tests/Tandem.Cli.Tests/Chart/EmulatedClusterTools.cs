using Tandem.Emulator;

namespace Tandem.Cli.Tests.Chart;

/// <summary>An API emulator with a kubeconfig on disk (a <see cref="ClientSession"/>), and helm/kubectl invocations pointed at it.</summary>
internal sealed class EmulatedClusterTools : IAsyncDisposable
{
    private readonly ClientSession _session;

    private EmulatedClusterTools(ClientSession session) => _session = session;

    public EmulatedCluster Cluster => _session.Cluster;

    public string Kubeconfig => _session.Kubeconfig;

    public string WorkDirectory => _session.WorkDir;

    public static async Task<EmulatedClusterTools> StartAsync() => new(await ClientSession.StartAsync());

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

    public ValueTask DisposeAsync() => _session.DisposeAsync();
}
