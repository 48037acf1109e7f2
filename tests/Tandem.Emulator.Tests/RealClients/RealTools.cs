using System.Diagnostics;

namespace Tandem.Emulator.Tests.RealClients;

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
    public static string RepoRoot { get; } = FindRepoRoot();

    private static (string, string) Locate()
    {
        var kubectl = Environment.GetEnvironmentVariable("TANDEM_KUBECTL");
        var helm = Environment.GetEnvironmentVariable("TANDEM_HELM");
        var bin = Path.Combine(RepoRoot, ".tools", "bin");
        kubectl = File.Exists(kubectl) ? kubectl : Path.Combine(bin, "kubectl");
        helm = File.Exists(helm) ? helm : Path.Combine(bin, "helm");
        if (!File.Exists(kubectl) || !File.Exists(helm))
        {
            using var install = Process.Start(new ProcessStartInfo("bash", [Path.Combine(RepoRoot, ".ci", "install-tools")]) { WorkingDirectory = RepoRoot })!;
            if (!install.WaitForExit(TimeSpan.FromMinutes(10))) { install.Kill(true); throw new InvalidOperationException(".ci/install-tools did not finish in 10 minutes"); }
            if (install.ExitCode != 0) throw new InvalidOperationException($".ci/install-tools failed with exit code {install.ExitCode}");
        }
        if (!File.Exists(kubectl)) throw new FileNotFoundException("kubectl not found after .ci/install-tools", kubectl);
        if (!File.Exists(helm)) throw new FileNotFoundException("helm not found after .ci/install-tools", helm);
        return (kubectl, helm);
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Operator.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("Operator.sln not found above the test binaries");
    }
}
