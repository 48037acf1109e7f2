using System.Globalization;
using k8s.Models;
using Tandem.Emulator;
using Tandem.Engines.Mock;
using Tandem.Engines.Mock.Vllm;

namespace Tandem.Cli.Embedded;

/// <summary>
/// Runs a <c>vllm serve</c> container of the emulator on the vLLM-faithful mock: its port and served model name from
/// the command line as vLLM parses them, the model's timing from the pod's ModelProfile variable, the dev-mode sleep
/// endpoints only when VLLM_SERVER_DEV_MODE=1 (as vLLM mounts them). For the emulator only.
/// </summary>
internal static class VllmMockPod
{
    /// <summary>Whether <paramref name="container"/> runs vLLM's server (the command vllm serve, as the vllm adapter builds it).</summary>
    public static bool Runs(V1Container container) =>
        container.Command is ["vllm", "serve", ..];

    public static async Task<IAsyncDisposable> StartAsync(string[] args, IReadOnlyDictionary<string, string> env, PodStartContext context, double speed, CancellationToken ct)
    {
        var profile = ModelProfileFile.FromEnvironment(env.GetValueOrDefault);
        var port = Flag(args, "--port") is { } given ? int.Parse(given, CultureInfo.InvariantCulture) : 8000;
        var model = Flag(args, "--served-model-name") ?? args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? profile.Name;
        return await VllmMockServer.StartAsync(context.PodIP, port, speed == 1.0 ? profile : profile.Accelerated(speed), model,
            devMode: env.GetValueOrDefault("VLLM_SERVER_DEV_MODE") == "1", cancel: ct).ConfigureAwait(false);
    }

    private static string? Flag(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at < args.Length - 1 ? args[at + 1] : args.FirstOrDefault(a => a.StartsWith(name + "=", StringComparison.Ordinal))?[(name.Length + 1)..];
    }
}
