using System.CommandLine;
using Tandem.Cli.CommandLine;
using Tandem.Cli.Demo;
using Tandem.Scaling.Workload;

namespace Tandem.Cli.Commands;

/// <summary><c>tandem demo</c>: the embedded default — emulator, operator, mock engines, router and a replayed trace, live.</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var defaults = new DemoOptions();
        var trace = new Option<string>("--trace") { Description = $"Trace to replay: a shipped window ({string.Join(", ", TraceLoader.EmbeddedNames)}) or a CSV path.", DefaultValueFactory = _ => defaults.Trace };
        var window = new Option<string>("--window") { Description = "Part of the trace: START:END seconds, or #FIRST:LAST request indices.", DefaultValueFactory = _ => defaults.Window };
        var speed = new Option<double>("--speed") { Description = "Time compression: divides the trace's inter-arrival gaps (2 = twice as fast, twice the rate).", DefaultValueFactory = _ => defaults.Speed };
        var policy = new Option<string>("--policy") { Description = "Scaling policy of the deployment: bounds, slo or static.", DefaultValueFactory = _ => defaults.Policy };
        var json = new Option<string?>("--json") { Description = "Also write the stats as JSON to this file." };
        var plot = new Option<string>("--plot") { Description = "Where to save the plot: a .png or .svg file.", DefaultValueFactory = _ => defaults.PlotPath };
        speed.Validators.Add(r => { if (!(r.GetValueOrDefault<double>() > 0)) r.AddError("--speed must be a positive number."); });
        policy.Validators.Add(r => { if (r.GetValueOrDefault<string>() is not ("bounds" or "slo" or "static")) r.AddError("--policy must be bounds, slo or static."); });
        var command = new Command("demo", "Run Tandem end to end on this machine: API emulator, operator, mock engines and router, replaying a real trace with live progress; prints a summary and saves a plot. Exits with 1 if a request failed.")
        {
            trace, window, speed, policy, json, plot,
        };
        command.SetGuardedAction(async (parse, cancel) =>
        {
            var options = new DemoOptions
            {
                Trace = parse.GetValue(trace)!,
                Window = parse.GetValue(window)!,
                Speed = parse.GetValue(speed),
                Policy = parse.GetValue(policy)!,
                // Checked now, before the two-minute run, and written to the absolute paths the run reports.
                JsonPath = parse.GetValue(json) is { } path ? OutputPath.Check("--json", path) : null,
                PlotPath = OutputPath.Check("--plot", parse.GetValue(plot)!, OutputPath.PlotExtensions),
            };
            int failed;
            try
            {
                failed = await new DemoRun(options, parse.InvocationConfiguration.Output).RunAsync(cancel);
            }
            catch (TimeoutException error)
            {
                return await CliErrors.FailAsync(parse, error.Message, ExitCodes.Failed);
            }

            return failed > 0 ? await CliErrors.FailAsync(parse, $"{failed} request(s) failed.", ExitCodes.Failed) : ExitCodes.Ok;
        });
        return command;
    }
}
