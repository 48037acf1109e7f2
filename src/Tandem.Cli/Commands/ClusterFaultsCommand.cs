using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using Tandem.Api.Schema;
using Tandem.Cli.CommandLine;
using Tandem.Emulator.Faults;

namespace Tandem.Cli.Commands;

/// <summary>
/// <c>tandem cluster faults ...</c>: drives the fault injection of a running emulator (<c>tandem cluster up</c>) over its
/// <c>/_emulator/faults</c> endpoint: add a rule (500s, 429 with Retry-After, slow responses by verb, resource and
/// percentage), list, remove or clear rules, drop every watch, compact the history (410 Gone on watch resume).
/// </summary>
internal static class ClusterFaultsCommand
{
    public static Command Create()
    {
        var command = new Command("faults", "Inject API faults into a running emulator (see docs/emulator.md, 'Fault injection from another process').");
        var add = new Command("add", "Add a fault rule; prints it with its id.");
        var verb = new Option<string?>("--verb") { Description = $"Kubernetes verb to hit ({string.Join(", ", FaultRule.Verbs)}); all when omitted." };
        var resource = new Option<string?>("--resource") { Description = "Resource plural to hit (pods, enginepools, leases, ...); all when omitted." };
        var method = new Option<string?>("--method") { Description = "HTTP method to hit; all when omitted." };
        var pathContains = new Option<string?>("--path-contains") { Description = "Hit only paths (with query) containing this text." };
        var percent = new Option<double>("--percent") { Description = "Share of matching requests hit (0-100].", DefaultValueFactory = _ => 100 };
        var count = new Option<int?>("--count") { Description = "Remove the rule after it has hit this many requests." };
        var status = new Option<int?>("--status") { Description = "Answer with this status (e.g. 500, 429, 503)." };
        var retryAfter = new Option<int?>("--retry-after") { Description = "Retry-After seconds with --status 429 or 503." };
        var delay = new Option<string?>("--delay") { Description = "Delay each hit request this long first (e.g. 500ms, 2s)." };
        foreach (var o in new Option[] { verb, resource, method, pathContains, percent, count, status, retryAfter, delay }) add.Options.Add(o);
        var id = new Argument<int>("id") { Description = "The rule's id (from add or list)." };
        var remove = new Command("remove", "Remove one rule.") { id };
        var list = new Command("list", "Print the rules in force and how often each fired.");
        var clear = new Command("clear", "Remove every rule.");
        var drop = new Command("drop-watches", "Close every open watch stream.");
        var compact = new Command("compact", "Discard the change history: watches resumed from an older resourceVersion get 410 Gone.");
        var kubeconfig = new Option<string>("--kubeconfig")
        {
            Description = "Kubeconfig of the emulator (written by 'tandem cluster up').",
            DefaultValueFactory = _ => Path.Combine(".tandem", "kubeconfig"),
            Recursive = true,
        };
        command.Options.Add(kubeconfig);

        add.SetGuardedAction((parse, cancel) =>
        {
            var rule = new JsonObject
            {
                ["verb"] = parse.GetValue(verb),
                ["resource"] = parse.GetValue(resource),
                ["method"] = parse.GetValue(method),
                ["pathContains"] = parse.GetValue(pathContains),
                ["percent"] = parse.GetValue(percent),
                ["count"] = parse.GetValue(count),
                ["status"] = parse.GetValue(status),
                ["retryAfterSeconds"] = parse.GetValue(retryAfter),
                ["delayMilliseconds"] = parse.GetValue(delay) is { } d ? GoDuration.Parse(d, "--delay").TotalMilliseconds : null,
            };
            foreach (var empty in rule.Where(p => p.Value is null).Select(p => p.Key).ToArray()) rule.Remove(empty);
            return SendAsync(parse, kubeconfig, HttpMethod.Post, "", rule, cancel);
        });
        remove.SetGuardedAction((parse, cancel) => SendAsync(parse, kubeconfig, HttpMethod.Delete, "/" + parse.GetValue(id).ToString(CultureInfo.InvariantCulture), null, cancel));
        list.SetGuardedAction((parse, cancel) => SendAsync(parse, kubeconfig, HttpMethod.Get, "", null, cancel));
        clear.SetGuardedAction((parse, cancel) => SendAsync(parse, kubeconfig, HttpMethod.Delete, "", null, cancel));
        drop.SetGuardedAction((parse, cancel) => SendAsync(parse, kubeconfig, HttpMethod.Post, "/drop-watches", null, cancel));
        compact.SetGuardedAction((parse, cancel) => SendAsync(parse, kubeconfig, HttpMethod.Post, "/compact", null, cancel));
        foreach (var sub in new[] { add, remove, list, clear, drop, compact }) command.Subcommands.Add(sub);
        return command;
    }

    /// <summary>Sends one admin request and prints the JSON answer; a refused rule is a usage error with the emulator's message.</summary>
    private static async Task<int> SendAsync(ParseResult parse, Option<string> kubeconfig, HttpMethod method, string suffix, JsonObject? body, CancellationToken cancel)
    {
        var server = Server(parse.GetValue(kubeconfig)!);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var request = new HttpRequestMessage(method, new Uri(server, FaultAdminEndpoint.Prefix + suffix));
        if (body is not null) request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancel);
        }
        catch (HttpRequestException e)
        {
            return await CliErrors.FailAsync(parse, $"the emulator at {server} did not answer: {e.Message}", ExitCodes.Failed);
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancel);
            if (!response.IsSuccessStatusCode)
            {
                var message = JsonNode.Parse(text)?["message"]?.GetValue<string>() ?? text;
                return await CliErrors.FailAsync(parse, message, response.StatusCode == HttpStatusCode.BadRequest ? ExitCodes.Usage : ExitCodes.Failed);
            }

            await parse.InvocationConfiguration.Output.WriteLineAsync(JsonNode.Parse(text)!.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
            return ExitCodes.Ok;
        }
    }

    /// <summary>The API server of the kubeconfig's current context; only a loopback emulator is accepted.</summary>
    private static Uri Server(string kubeconfig)
    {
        if (!File.Exists(kubeconfig)) throw new FileNotFoundException($"--kubeconfig: {Path.GetFullPath(kubeconfig)} does not exist (start the emulator with 'tandem cluster up').");
        var host = new Uri(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig).Host);
        if (!host.IsLoopback) throw new UsageException($"--kubeconfig: the server {host} is not a loopback emulator; fault injection exists only in the emulator.");
        return host;
    }
}
