using System.CommandLine;
using System.Text.RegularExpressions;
using k8s.Models;
using Tandem.Cli.CommandLine;
using Tandem.Emulator;
using Tandem.Engines.Mock;
using Tandem.Engines.Router;

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
        // The container sees its volumes at their mountPaths; in-process, those are the kubelet's host directories.
        var args = rawArgs.Select(a => context.HostPath(container.Name, Expand(a, env))).ToArray();
        return args[0] switch
        {
            "engine" => await StartEngineAsync(args, env, context, ct).ConfigureAwait(false),
            "router" => await StartRouterAsync(args, context, ct).ConfigureAwait(false),
            _ => null,
        };
    }

    private async Task<IAsyncDisposable> StartEngineAsync(string[] args, IReadOnlyDictionary<string, string> env, PodStartContext context, CancellationToken ct)
    {
        var line = new EngineCommandLine();
        var options = line.Read(Parse(line.Command, args, context), env.GetValueOrDefault);
        return await MockEngineServer.StartAsync(options with
        {
            // A kubelet runs the container in the pod's network namespace: it binds the pod IP whatever --listen says.
            Address = context.PodIP,
            Profile = engineSpeed == 1.0 ? options.Profile : options.Profile.Accelerated(engineSpeed),
        }, ct).ConfigureAwait(false);
    }

    private static async Task<IAsyncDisposable> StartRouterAsync(string[] args, PodStartContext context, CancellationToken ct)
    {
        var line = new RouterCommandLine();
        var options = line.Read(Parse(line.Command, args, context));
        return await RouterServer.StartAsync(options with { Address = context.PodIP }, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The container args after the command name, parsed as <c>tandem</c> would; a pod without <c>--listen</c>
    /// listens on its pod IP. A command line <c>tandem</c> would refuse fails the pod's start with the same message.
    /// </summary>
    private static ParseResult Parse(Command command, string[] args, PodStartContext context)
    {
        string[] rest = args.Skip(1).Any(a => a == "--listen" || a.StartsWith("--listen=", StringComparison.Ordinal))
            ? args[1..]
            : [.. args[1..], "--listen", context.PodIP.ToString()];
        var parse = command.Parse(rest);
        if (parse.Errors.Count > 0)
        {
            throw new FormatException($"pod {context.Namespace}/{context.Name}: '{string.Join(' ', args)}': {string.Join("; ", parse.Errors.Select(e => e.Message))}");
        }

        return parse;
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

    [GeneratedRegex(@"\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)")]
    private static partial Regex Reference();
}
