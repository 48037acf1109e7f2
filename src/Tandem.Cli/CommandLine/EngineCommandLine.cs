using System.CommandLine;
using Tandem.Api.V1Alpha1;
using Tandem.Engines;
using Tandem.Engines.Mock;
using Tandem.Scaling.Lifecycle;

namespace Tandem.Cli.CommandLine;

/// <summary>
/// The command line of a mock engine (<c>tandem engine ...</c>), parsed once: <c>tandem engine</c> runs it, and the
/// emulator's pod runtime reads an engine pod's container args with it, so both accept exactly the same flags.
/// </summary>
internal sealed class EngineCommandLine
{
    private readonly Option<string> _listen = new("--listen") { Description = $"IP[:PORT] of the OpenAI endpoint (port default {DefaultPorts.EngineHttp}; 0 picks a free one).", Required = true };
    private readonly Option<string?> _profile = new("--profile") { Description = $"ModelProfile YAML file (the ModelProfile document of a multi-document file), or a seed model: {string.Join(", ", MockEngineProfile.Seeds.Keys)}. Default: the spec JSON in {PodEnvironment.ModelProfile} (as the operator sets on engine pods)." };
    private readonly Option<int?> _port = new("--port") { Description = "OpenAI HTTP port (overrides a port in --listen)." };
    private readonly Option<string> _role = new("--role") { Description = "prefill, decode or both (a plain engine).", DefaultValueFactory = _ => "both" };
    private readonly Option<bool> _standby = new("--standby") { Description = "Start without weights and wait for EngineControl Activate (as under the operator)." };
    private readonly Option<int> _controlPort = new("--control-port") { Description = "EngineControl gRPC port on the same IP (0 picks a free one).", DefaultValueFactory = _ => DefaultPorts.EngineControl };
    private readonly Option<string?> _controlTls = new("--control-tls") { Description = "Directory of the control port's TLS Secret (ca.crt, tls.crt, tls.key): the control port then takes only the operator's client certificate (mutual TLS)." };
    private readonly Option<double> _speed = new("--speed") { Description = "Run the model this many times faster (rates x, times /); for demos.", DefaultValueFactory = _ => 1.0 };
    private readonly Option<string?> _model = new("--model") { Description = $"Model name reported in responses (default: ${PodEnvironment.Model}, else the profile name)." };

    public EngineCommandLine()
    {
        _role.AcceptOnlyFromAmong("prefill", "decode", "both");
        _speed.Validators.Add(r => { if (!(r.GetValueOrDefault<double>() > 0)) r.AddError("--speed must be a positive number."); });
        Command = new Command("engine", "Run a mock engine: emulated prefill/decode timing, OpenAI /v1/completions, vLLM /metrics and EngineControl.");
        foreach (var option in new Option[] { _listen, _port, _profile, _role, _standby, _controlPort, _speed, _model, _controlTls })
        {
            Command.Options.Add(option);
        }
    }

    public Command Command { get; }

    /// <summary>The role flag as written (for messages).</summary>
    public string Role(ParseResult parse) => parse.GetValue(_role)!;

    /// <summary>The engine's settings; <paramref name="environment"/> supplies the profile and model name when no flag does.</summary>
    public MockEngineOptions Read(ParseResult parse, Func<string, string?> environment)
    {
        var (address, listenPort) = ListenAddress.Parse(parse.GetValue(_listen)!, DefaultPorts.EngineHttp);
        var loaded = parse.GetValue(_profile) is { } named ? ModelProfileFile.Resolve(named) : ModelProfileFile.FromEnvironment(environment);
        var factor = parse.GetValue(_speed);
        return new MockEngineOptions
        {
            Address = address,
            HttpPort = parse.GetValue(_port) ?? listenPort,
            ControlPort = parse.GetValue(_controlPort),
            ControlTlsDirectory = parse.GetValue(_controlTls),
            Profile = factor == 1.0 ? loaded : loaded.Accelerated(factor),
            Role = parse.GetValue(_role) switch { "prefill" => InstanceRole.Prefill, "decode" => InstanceRole.Decode, _ => null },
            Standby = parse.GetValue(_standby),
            ModelName = parse.GetValue(_model) ?? NonEmpty(environment(PodEnvironment.Model)),
        };
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
