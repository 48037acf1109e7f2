namespace Tandem.Cli.Tests.Chart;

/// <summary>
/// The chart and the helm/kubectl binaries the chart tests run (found by <see cref="RealTools"/>: TANDEM_HELM and
/// TANDEM_KUBECTL when the test command exports them, else &lt;repo&gt;/.tools/bin, installed there once if absent).
/// </summary>
internal static class ChartTools
{
    public static string RepositoryRoot => RepositoryPaths.Root;

    public static string ChartDirectory => Path.Combine(RepositoryRoot, "charts", "tandem");

    // Off the caller's thread: the first call may run .ci/install-tools.
    public static Task<string> HelmAsync() => Task.Run(() => RealTools.Helm);

    public static Task<string> KubectlAsync() => Task.Run(() => RealTools.Kubectl);

    /// <summary>Helm's own state (cache, config, data) kept out of the user's home, under the git-ignored .tools/.</summary>
    public static IReadOnlyDictionary<string, string> HelmEnvironment { get; } = CreateHelmEnvironment();

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
