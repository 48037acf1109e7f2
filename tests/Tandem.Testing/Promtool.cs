using System.Diagnostics;

namespace Tandem.Testing;

/// <summary>
/// Runs Prometheus' own <c>promtool check metrics</c> on a scrape: $TANDEM_PROMTOOL, else promtool on PATH, else
/// .ci/install-tools installs it (Debian package prometheus). Tests fail (never skip) when it cannot be had.
/// </summary>
public static class Promtool
{
    private static readonly Lazy<string> Path_ = new(Locate);

    /// <summary>promtool's exit code and its findings (one problem per line; empty when clean).</summary>
    public static async Task<(int ExitCode, string[] Problems)> CheckMetricsAsync(string exposition)
    {
        var start = new ProcessStartInfo(Path_.Value, ["check", "metrics"]) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        using var promtool = Process.Start(start)!;
        var stdout = promtool.StandardOutput.ReadToEndAsync();
        var stderr = promtool.StandardError.ReadToEndAsync();
        await promtool.StandardInput.WriteAsync(exposition);
        promtool.StandardInput.Close();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await promtool.WaitForExitAsync(deadline.Token);
        var problems = ((await stdout) + "\n" + (await stderr)).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return (promtool.ExitCode, problems);
    }

    private static string Locate()
    {
        var configured = Environment.GetEnvironmentVariable("TANDEM_PROMTOOL");
        if (!string.IsNullOrEmpty(configured) && File.Exists(configured))
        {
            return configured;
        }

        if (OnPath() is { } found)
        {
            return found;
        }

        InstallTools.EnsureRan();
        return OnPath() ?? throw new FileNotFoundException("promtool is not installed after .ci/install-tools (Debian package prometheus)");
    }

    private static string? OnPath() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Select(d => Path.Combine(d, "promtool")).FirstOrDefault(File.Exists);
}
