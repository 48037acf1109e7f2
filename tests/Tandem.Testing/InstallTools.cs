using System.Diagnostics;

namespace Tandem.Testing;

/// <summary>
/// Runs the repository's <c>.ci/install-tools</c> (kubectl, helm, promtool, the openai npm package) at most once per
/// test run, when a test needs a tool that is not there: tests fail, never skip, when a tool cannot be had.
/// </summary>
public static class InstallTools
{
    private static readonly Lazy<bool> Ran = new(Run);

    /// <summary>Runs the script unless it already ran; throws when it failed or took more than 10 minutes.</summary>
    public static void EnsureRan() => _ = Ran.Value;

    private static bool Run()
    {
        var root = RepositoryPaths.Root;
        using var install = Process.Start(new ProcessStartInfo("bash", [Path.Combine(root, ".ci", "install-tools")]) { WorkingDirectory = root })!;
        if (!install.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            install.Kill(true);
            throw new InvalidOperationException(".ci/install-tools did not finish in 10 minutes");
        }

        return install.ExitCode == 0 ? true : throw new InvalidOperationException($".ci/install-tools failed with exit code {install.ExitCode}");
    }
}
