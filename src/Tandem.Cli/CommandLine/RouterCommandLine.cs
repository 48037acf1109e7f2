using System.CommandLine;
using Tandem.Api.V1Alpha1;
using Tandem.Engines;
using Tandem.Engines.Router;

namespace Tandem.Cli.CommandLine;

/// <summary>
/// The command line of the P/D router (<c>tandem router ...</c>), parsed once: <c>tandem router</c> runs it, and the
/// emulator's pod runtime reads a router pod's container args with it.
/// </summary>
internal sealed class RouterCommandLine
{
    private readonly Option<string> _listen = new("--listen") { Description = $"IP[:PORT] of the OpenAI endpoint (port default {DefaultPorts.RouterHttp}; 0 picks a free one).", Required = true };
    private readonly Option<string?> _instances = new("--instances") { Description = "Static membership ADDR=ROLE,... (role prefill, decode or both); the operator replaces it with SetMembership." };
    private readonly Option<string> _policy = new("--policy") { Description = "Instance choice: round-robin, random, least-loaded or prefix.", DefaultValueFactory = _ => "round-robin" };
    private readonly Option<int> _controlPort = new("--control-port") { Description = "RouterControl gRPC port on the same IP (0 picks a free one).", DefaultValueFactory = _ => DefaultPorts.RouterControl };
    private readonly Option<string?> _controlTls = new("--control-tls") { Description = "Directory of the control port's TLS Secret (ca.crt, tls.crt, tls.key): the control port then takes only the operator's client certificate (mutual TLS)." };
    private readonly Option<double> _queueTimeout = new("--queue-timeout") { Description = "Seconds a request waits for an instance before failing with 503.", DefaultValueFactory = _ => 60 };

    public RouterCommandLine()
    {
        Command = new Command("router", "Run the P/D router: queues requests, prefill on one instance, decode on another, tokens streamed back.");
        foreach (var option in new Option[] { _listen, _instances, _policy, _controlPort, _queueTimeout, _controlTls })
        {
            Command.Options.Add(option);
        }
    }

    public Command Command { get; }

    /// <summary>The policy flag as written (for messages).</summary>
    public string Policy(ParseResult parse) => parse.GetValue(_policy)!;

    /// <summary>The router's settings; a bad value throws an exception naming the flag.</summary>
    public RouterOptions Read(ParseResult parse)
    {
        var (address, port) = ListenAddress.Parse(parse.GetValue(_listen)!, DefaultPorts.RouterHttp);
        var timeout = parse.GetValue(_queueTimeout);
        if (!(timeout > 0))
        {
            throw new UsageException($"--queue-timeout: must be > 0 seconds (got {timeout}).");
        }

        return new RouterOptions
        {
            Address = address,
            HttpPort = port,
            ControlPort = parse.GetValue(_controlPort),
            ControlTlsDirectory = parse.GetValue(_controlTls),
            Policy = SelectionPolicies.Parse(parse.GetValue(_policy)!),
            StaticMembers = StaticMembership.Parse(parse.GetValue(_instances)),
            QueueTimeout = TimeSpan.FromSeconds(timeout),
        };
    }
}
