namespace Tandem.Testing;

/// <summary>
/// Finds the real kubectl 1.34 and helm 4 binaries: $TANDEM_KUBECTL / $TANDEM_HELM, else &lt;repo&gt;/.tools/bin, else it runs
/// .ci/install-tools once. Tests that need them fail (never skip) when they cannot be had.
/// </summary>
public static class RealTools
{
    private static readonly Lazy<(string Kubectl, string Helm)> Paths = new(Locate);

    public static string Kubectl => Paths.Value.Kubectl;

    public static string Helm => Paths.Value.Helm;

    /// <summary>The repository root (the folder holding Operator.sln).</summary>
    public static string RepoRoot => RepositoryPaths.Root;

    private static (string, string) Locate()
    {
        var bin = Path.Combine(RepoRoot, ".tools", "bin");
        var kubectl = FromEnvironment("TANDEM_KUBECTL") ?? Path.Combine(bin, "kubectl");
        var helm = FromEnvironment("TANDEM_HELM") ?? Path.Combine(bin, "helm");
        if (!File.Exists(kubectl) || !File.Exists(helm))
        {
            InstallTools.EnsureRan();
        }

        if (!File.Exists(kubectl))
        {
            throw new FileNotFoundException("kubectl not found after .ci/install-tools", kubectl);
        }

        if (!File.Exists(helm))
        {
            throw new FileNotFoundException("helm not found after .ci/install-tools", helm);
        }

        return (kubectl, helm);
    }

    private static string? FromEnvironment(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } path && File.Exists(path) ? path : null;
}
