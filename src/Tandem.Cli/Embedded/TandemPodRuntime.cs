using System.Globalization;
using System.Text.RegularExpressions;
using k8s.Models;
using Tandem.Emulator;
using Tandem.Engines;
using Tandem.Engines.Mock;
using Tandem.Engines.Router;
using Tandem.Scaling.Lifecycle;

namespace Tandem.Cli.Embedded;

/// <summary>
/// Runs pods of the Tandem image in-process on their pod IP, as a kubelet would run the container: the container's
/// args (<c>engine ...</c> or <c>router ...</c>) with <c>$(VAR)</c> expanded from its env (status.podIP included) start a
/// mock engine or a router; a <c>vllm serve</c> container starts the vLLM-faithful mock. Other images get no process (the pod just runs). For the emulator only (tests, demo,
/// <c>tandem cluster up --engines mock</c>).
/// </summary>
public sealed partial class TandemPodRuntime(double engineSpeed = 1.0) : IPodRuntime
{
    public async Task<IAsyncDisposable?> StartAsync(PodStartContext context, CancellationToken ct)
    {
        var container = context.Pod.Spec.Containers.FirstOrDefault();
        if (container is not null && VllmMockPod.Runs(container))
        {
            var vllmEnv = Environment(container, context);
            return await VllmMockPod.StartAsync((container.Args ?? []).Select(a => Expand(a, vllmEnv)).ToArray(), vllmEnv, context, engineSpeed, ct).ConfigureAwait(false);
        }

        if (container?.Args is not { Count: > 0 } rawArgs)
        {
            return null;
        }

        var env = Environment(container, context);
        var args = rawArgs.Select(a => Expand(a, env)).ToArray();
        return args[0] switch
        {
            "engine" => await StartEngineAsync(args, env, context, ct).ConfigureAwait(false),
            "router" => await StartRouterAsync(args, context, ct).ConfigureAwait(false),
            _ => null,
        };
    }

    private async Task<IAsyncDisposable> StartEngineAsync(string[] args, IReadOnlyDictionary<string, string> env, PodStartContext context, CancellationToken ct)
    {
        var profile = Flag(args, "--profile") is { } named ? ModelProfileFile.Resolve(named) : ModelProfileFile.FromEnvironment(env.GetValueOrDefault);
        var (_, listenPort) = ListenAddress.Parse(Flag(args, "--listen") ?? context.PodIP.ToString(), 8000);
        return await MockEngineServer.StartAsync(new MockEngineOptions
        {
            Address = context.PodIP,
            HttpPort = Flag(args, "--port") is { } port ? int.Parse(port, CultureInfo.InvariantCulture) : listenPort,
            ControlPort = Flag(args, "--control-port") is { } control ? int.Parse(control, CultureInfo.InvariantCulture) : 9000,
            Profile = engineSpeed == 1.0 ? profile : profile.Accelerated(engineSpeed),
            Role = Flag(args, "--role") switch { "prefill" => InstanceRole.Prefill, "decode" => InstanceRole.Decode, _ => null },
            Standby = args.Contains("--standby"),
            ModelName = env.GetValueOrDefault("TANDEM_MODEL"),
        }, ct).ConfigureAwait(false);
    }

    private static async Task<IAsyncDisposable> StartRouterAsync(string[] args, PodStartContext context, CancellationToken ct)
    {
        var (_, port) = ListenAddress.Parse(Flag(args, "--listen") ?? context.PodIP.ToString(), 11236);
        return await RouterServer.StartAsync(new RouterOptions
        {
            Address = context.PodIP,
            HttpPort = port,
            ControlPort = Flag(args, "--control-port") is { } control ? int.Parse(control, CultureInfo.InvariantCulture) : 11237,
            Policy = Flag(args, "--policy") is { } policy ? SelectionPolicies.Parse(policy) : SelectionPolicy.LeastLoaded,
        }, ct).ConfigureAwait(false);
    }

    private static Dictionary<string, string> Environment(V1Container container, PodStartContext context)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var variable in container.Env ?? [])
        {
            if (variable.Value is { } value)
            {
                env[variable.Name] = Expand(value, env);
            }
            else if (variable.ValueFrom?.FieldRef?.FieldPath is { } path)
            {
                env[variable.Name] = path switch
                {
                    "status.podIP" => context.PodIP.ToString(),
                    "metadata.name" => context.Name,
                    "metadata.namespace" => context.Namespace,
                    "spec.nodeName" => context.NodeName,
                    _ => "",
                };
            }
        }

        return env;
    }

    /// <summary>Kubernetes' $(VAR) expansion: known variables are replaced, $$ escapes, unknown references stay as written.</summary>
    public static string Expand(string text, IReadOnlyDictionary<string, string> env) =>
        Reference().Replace(text, m => m.Value == "$$" ? "$" : env.TryGetValue(m.Groups[1].Value, out var value) ? value : m.Value);

    private static string? Flag(string[] args, string name)
    {
        for (var i = 0; i < args.Length - 1; i++)
        {
            if (args[i] == name)
            {
                return args[i + 1];
            }
        }

        return args.FirstOrDefault(a => a.StartsWith(name + "=", StringComparison.Ordinal))?[(name.Length + 1)..];
    }

    [GeneratedRegex(@"\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)")]
    private static partial Regex Reference();
}
