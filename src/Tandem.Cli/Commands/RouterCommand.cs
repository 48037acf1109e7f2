using System.CommandLine;
using Tandem.Engines;
using Tandem.Engines.Router;

namespace Tandem.Cli.Commands;

/// <summary><c>tandem router</c>: runs the P/D router (OpenAI HTTP + RouterControl gRPC) until interrupted.</summary>
internal static class RouterCommand
{
    public static Command Create()
    {
        var listen = new Option<string>("--listen") { Description = "IP[:PORT] of the OpenAI endpoint (port default 11236; 0 picks a free one).", Required = true };
        var instances = new Option<string?>("--instances") { Description = "Static membership ADDR=ROLE,... (role prefill, decode or both); the operator replaces it with SetMembership." };
        var policy = new Option<string>("--policy") { Description = "Instance choice: round-robin, random, least-loaded or prefix.", DefaultValueFactory = _ => "round-robin" };
        var controlPort = new Option<int>("--control-port") { Description = "RouterControl gRPC port on the same IP (0 picks a free one).", DefaultValueFactory = _ => 11237 };
        var queueTimeout = new Option<double>("--queue-timeout") { Description = "Seconds a request waits for an instance before failing with 503.", DefaultValueFactory = _ => 60 };
        var command = new Command("router", "Run the P/D router: queues requests, prefill on one instance, decode on another, tokens streamed back.");
        foreach (var option in new Option[] { listen, instances, policy, controlPort, queueTimeout })
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parse, cancel) =>
        {
            RouterOptions options;
            try
            {
                var (address, port) = ListenAddress.Parse(parse.GetValue(listen)!, 11236);
                var timeout = parse.GetValue(queueTimeout);
                if (!(timeout > 0))
                {
                    throw new ArgumentException($"--queue-timeout: must be > 0 seconds (got {timeout}).");
                }

                options = new RouterOptions
                {
                    Address = address,
                    HttpPort = port,
                    ControlPort = parse.GetValue(controlPort),
                    Policy = SelectionPolicies.Parse(parse.GetValue(policy)!),
                    StaticMembers = StaticMembership.Parse(parse.GetValue(instances)),
                    QueueTimeout = TimeSpan.FromSeconds(timeout),
                    ConsoleLogging = true,
                };
            }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync(e.Message);
                return 2;
            }

            await using var server = await RouterServer.StartAsync(options, cancel);
            var output = parse.InvocationConfiguration.Output;
            await output.WriteLineAsync($"router ({parse.GetValue(policy)}, {options.StaticMembers.Count} static instances): OpenAI on {server.HttpUri}, RouterControl on {server.ControlAddress}");
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
