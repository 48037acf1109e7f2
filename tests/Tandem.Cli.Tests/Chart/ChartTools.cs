namespace Tandem.Cli.Tests.Chart;

/// <summary>
/// Finds the repository, the chart and the real helm/kubectl binaries: TANDEM_HELM/TANDEM_KUBECTL when the test
/// command exports them, else &lt;repo&gt;/.tools/bin, installing them there with .ci/install-tools once if absent.
/// </summary>
internal static class ChartTools
{
    private static readonly Lazy<Task<(string Helm, string Kubectl)>> Binaries = new(LocateAsync);

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string ChartDirectory => Path.Combine(RepositoryRoot, "charts", "tandem");

    public static async Task<string> HelmAsync() => (await Binaries.Value).Helm;

    public static async Task<string> KubectlAsync() => (await Binaries.Value).Kubectl;

    /// <summary>Helm's own state (cache, config, data) kept out of the user's home, under the git-ignored .tools/.</summary>
    public static IReadOnlyDictionary<string, string> HelmEnvironment { get; } = CreateHelmEnvironment();

    private static async Task<(string Helm, string Kubectl)> LocateAsync()
    {
        var bin = Path.Combine(RepositoryRoot, ".tools", "bin");
        var helm = FromEnvironment("TANDEM_HELM") ?? Path.Combine(bin, "helm");
        var kubectl = FromEnvironment("TANDEM_KUBECTL") ?? Path.Combine(bin, "kubectl");
        if (!File.Exists(helm) || !File.Exists(kubectl))
        {
            // Never skip: fetch the tools the way the test command does.
            (await ExternalProcess.RunAsync("bash", [Path.Combine(RepositoryRoot, ".ci", "install-tools")], workingDirectory: RepositoryRoot, timeout: TimeSpan.FromMinutes(10)))
                .EnsureSuccess(".ci/install-tools");
            helm = Path.Combine(bin, "helm");
            kubectl = Path.Combine(bin, "kubectl");
        }

        return (helm, kubectl);
    }

    private static string? FromEnvironment(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } path && File.Exists(path) ? path : null;

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Operator.sln")) && Directory.Exists(Path.Combine(dir.FullName, "charts")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no repository root (Operator.sln and charts/) above {AppContext.BaseDirectory}");
    }

    private static IReadOnlyDictionary<string, string> CreateHelmEnvironment()
    {
        var home = Path.Combine(RepositoryRoot, ".tools", "helm-home");
        return new Dictionary<string, string>
        {
            ["HELM_CACHE_HOME"] = Path.Combine(home, "cache"),
            ["HELM_CONFIG_HOME"] = Path.Combine(home, "config"),
            ["HELM_DATA_HOME"] = Path.Combine(home, "data"),
        };
    }
}
