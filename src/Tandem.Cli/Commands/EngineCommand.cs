using System.CommandLine;
using Tandem.Engines;
using Tandem.Engines.Mock;
using Tandem.Scaling.Lifecycle;

namespace Tandem.Cli.Commands;

/// <summary><c>tandem engine</c>: runs one mock engine (OpenAI HTTP + EngineControl gRPC) until interrupted.</summary>
internal static class EngineCommand
{
    public static Command Create()
    {
        var listen = new Option<string>("--listen") { Description = "IP[:PORT] of the OpenAI endpoint (port default 8000; 0 picks a free one).", Required = true };
        var profile = new Option<string?>("--profile") { Description = "ModelProfile YAML file, or a seed model: llama2-7b, llama3-8b, mistral-24b, qwen-72b. Default: the spec JSON in TANDEM_MODEL_PROFILE (as the operator sets on engine pods)." };
        var port = new Option<int?>("--port") { Description = "OpenAI HTTP port (overrides a port in --listen)." };
        var role = new Option<string>("--role") { Description = "prefill, decode or both (a plain engine).", DefaultValueFactory = _ => "both" };
        role.AcceptOnlyFromAmong("prefill", "decode", "both");
        var standby = new Option<bool>("--standby") { Description = "Start without weights and wait for EngineControl Activate (as under the operator)." };
        var controlPort = new Option<int>("--control-port") { Description = "EngineControl gRPC port on the same IP (0 picks a free one).", DefaultValueFactory = _ => 9000 };
        var speed = new Option<double>("--speed") { Description = "Run the model this many times faster (rates x, times /); for demos.", DefaultValueFactory = _ => 1.0 };
        var model = new Option<string?>("--model") { Description = "Model name reported in responses (default: the profile name)." };
        var command = new Command("engine", "Run a mock engine: emulated prefill/decode timing, OpenAI /v1/completions, vLLM /metrics and EngineControl.");
        foreach (var option in new Option[] { listen, port, profile, role, standby, controlPort, speed, model })
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parse, cancel) =>
        {
            var output = parse.InvocationConfiguration.Output;
            MockEngineOptions options;
            try
            {
                var (address, listenPort) = ListenAddress.Parse(parse.GetValue(listen)!, 8000);
                var loaded = parse.GetValue(profile) is { } named ? ModelProfileFile.Resolve(named) : ModelProfileFile.FromEnvironment(Environment.GetEnvironmentVariable);
                var factor = parse.GetValue(speed);
                options = new MockEngineOptions
                {
                    Address = address,
                    HttpPort = parse.GetValue(port) ?? listenPort,
                    ControlPort = parse.GetValue(controlPort),
                    Profile = factor == 1.0 ? loaded : loaded.Accelerated(factor),
                    Role = parse.GetValue(role) switch { "prefill" => InstanceRole.Prefill, "decode" => InstanceRole.Decode, _ => null },
                    Standby = parse.GetValue(standby),
                    ModelName = parse.GetValue(model),
                    ConsoleLogging = true,
                };
            }
            catch (Exception e) when (e is FormatException or ArgumentException or IOException)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync(e.Message);
                return 2;
            }

            await using var server = await MockEngineServer.StartAsync(options, cancel);
            await output.WriteLineAsync(
                $"mock engine '{options.Profile.Name}' ({server.Engine.State.ToString().ToLowerInvariant()}, role {parse.GetValue(role)}): OpenAI on {server.HttpUri}, EngineControl on {server.ControlAddress}");
            await output.FlushAsync(cancel);
            try
            {
                await Task.Delay(Timeout.Infinite, cancel);
            }
            catch (OperationCanceledException)
            {
                // Interrupted: stop serving.
            }

            return 0;
        });
        return command;
    }
}
