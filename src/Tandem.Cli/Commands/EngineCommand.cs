using System.CommandLine;
using Tandem.Cli.CommandLine;
using Tandem.Engines.Mock;

namespace Tandem.Cli.Commands;

/// <summary><c>tandem engine</c>: runs one mock engine (OpenAI HTTP + EngineControl gRPC) until interrupted.</summary>
internal static class EngineCommand
{
    public static Command Create()
    {
        var line = new EngineCommandLine();
        line.Command.SetGuardedAction(async (parse, cancel) =>
        {
            var options = line.Read(parse, Environment.GetEnvironmentVariable) with { ConsoleLogging = true };
            await using var server = await MockEngineServer.StartAsync(options, cancel);
            var output = parse.InvocationConfiguration.Output;
            await output.WriteLineAsync(
                $"mock engine '{options.Profile.Name}' ({server.Engine.State.ToString().ToLowerInvariant()}, role {line.Role(parse)}): OpenAI on {server.HttpUri}, EngineControl on {server.ControlAddress}");
            await output.FlushAsync(cancel);
            await Serving.UntilCancelledAsync(cancel);
            return ExitCodes.Ok;
        });
        return line.Command;
    }
}
