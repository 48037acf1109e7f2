using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Tandem.Engines.Tests.OpenAiSdk;

/// <summary>
/// Runs <c>openai-sdk-check.cjs</c> (the official OpenAI Node SDK) against an endpoint. The SDK is found at
/// $TANDEM_OPENAI_MODULES, else &lt;repo&gt;/.tools/openai/node_modules, else .ci/install-tools installs it there; the
/// test fails (never skips) when it cannot be had.
/// </summary>
internal static class OpenAiSdk
{
    private static readonly Lazy<string> Modules = new(Locate);

    public static async Task<JsonObject> CheckAsync(Uri baseUri, string model)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "OpenAiSdk", "openai-sdk-check.cjs");
        var start = new ProcessStartInfo("node", [script, baseUri.ToString().TrimEnd('/'), model])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["OPENAI_SDK_MODULES"] = Modules.Value;
        using var node = Process.Start(start)!;
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var stdout = node.StandardOutput.ReadToEndAsync(deadline.Token);
        var stderr = node.StandardError.ReadToEndAsync(deadline.Token);
        try
        {
            await node.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            node.Kill(true);
            throw new TimeoutException("the OpenAI SDK script did not finish in 2 minutes");
        }

        Assert.True(node.ExitCode == 0, $"the OpenAI SDK script failed ({node.ExitCode}): {await stderr}");
        return JsonNode.Parse(await stdout)!.AsObject();
    }

    private static string Locate()
    {
        var configured = Environment.GetEnvironmentVariable("TANDEM_OPENAI_MODULES");
        var modules = !string.IsNullOrEmpty(configured) ? configured : RepositoryPaths.Combine(".tools", "openai", "node_modules");
        if (!File.Exists(Path.Combine(modules, "openai", "package.json")))
        {
            InstallTools.EnsureRan();
        }

        return File.Exists(Path.Combine(modules, "openai", "package.json")) ? modules : throw new FileNotFoundException("the openai npm package is not installed after .ci/install-tools", modules);
    }
}
