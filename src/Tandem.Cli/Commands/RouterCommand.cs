using System.CommandLine;
using Tandem.Cli.CommandLine;
using Tandem.Engines.Router;

namespace Tandem.Cli.Commands;

/// <summary><c>tandem router</c>: runs the P/D router (OpenAI HTTP + RouterControl gRPC) until interrupted.</summary>
internal static class RouterCommand
{
    public static Command Create()
    {
        var line = new RouterCommandLine();
        line.Command.SetGuardedAction(async (parse, cancel) =>
        {
            var options = line.Read(parse) with { ConsoleLogging = true };
            await using var server = await RouterServer.StartAsync(options, cancel);
            var output = parse.InvocationConfiguration.Output;
            await output.WriteLineAsync($"router ({line.Policy(parse)}, {options.StaticMembers.Count} static instances): OpenAI on {server.HttpUri}, RouterControl on {server.ControlAddress}");
            await output.FlushAsync(cancel);
            await Serving.UntilCancelledAsync(cancel);
            return ExitCodes.Ok;
        });
        return line.Command;
    }
}
