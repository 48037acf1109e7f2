using System.CommandLine;
using System.Globalization;
using Tandem.Cli.CommandLine;
using Tandem.Scaling.Models;
using Tandem.Scaling.Policies;
using Tandem.Scaling.Simulation;
using Tandem.Scaling.Workload;

namespace Tandem.Cli.Commands;

/// <summary><c>tandem sim</c>: simulates scaling policies side by side on a trace and prints the stats table.</summary>
internal static class SimCommand
{
    public static Command Create()
    {
        var trace = new Option<string>("--trace") { Description = "Trace CSV path or shipped window (" + string.Join(", ", TraceLoader.EmbeddedNames) + ").", Required = true };
        var window = new Option<string?>("--window") { Description = "START:END seconds (e.g. 0:600) or #FIRST:LAST request indices; default the whole trace." };
        var scale = new Option<double>("--scale") { Description = "Load scale: divides inter-arrival gaps (2 doubles the rate).", DefaultValueFactory = _ => 1.0 };
        var model = new Option<string>("--model") { Description = "Model numbers: " + string.Join(", ", SeedModels.Names) + ".", DefaultValueFactory = _ => "llama3-8b" };
        var policies = new Option<string>("--policies") { Description = "Comma-separated policies: " + string.Join(", ", ScalingPolicies.Names) + " (static:P:D for fixed counts).", DefaultValueFactory = _ => "bounds,slo,hpa,static" };
        var features = new Option<string?>("--features") { Description = "Comma-separated features: " + string.Join(", ", ScalingFeatureNames.Names) + "." };
        var standby = new Option<int>("--standby") { Description = "Standby pods kept for the fast tier.", DefaultValueFactory = _ => 1 };
        var sizing = new Option<string>("--standby-sizing") { Description = "fixed (keep --standby pods) or bursts (bounds and slo keep what recent bursts needed beyond warm, at most --standby).", DefaultValueFactory = _ => "fixed" };
        var delay = new Option<double>("--scale-down-delay") { Description = "Seconds a drained instance stays warm.", DefaultValueFactory = _ => 30 };
        var interval = new Option<double>("--interval") { Description = "Seconds between decisions.", DefaultValueFactory = _ => 1 };
        var dispatch = new Option<DispatchOrder>("--dispatch") { Description = "Prefill queue order: Deadline (earliest TTFT deadline first, late prompts behind) or Fifo.", DefaultValueFactory = _ => DispatchOrder.Deadline };
        var json = new Option<string?>("--json") { Description = "Write the JSON report here." };
        var plot = new Option<string?>("--plot") { Description = "Write a plot of load and instances per role (.png or .svg)." };
        var target = new Option<double>("--target") { Description = "Attainment target (0..1] the fair static fleet must reach; the name static runs that fleet.", DefaultValueFactory = _ => 0.99 };

        scale.Validators.Add(r => { if (r.GetValueOrDefault<double>() is not (> 0 and < double.PositiveInfinity)) r.AddError("--scale must be a positive number (2 doubles the request rate)."); });
        var command = new Command("sim", "Simulate scaling policies side by side on a request trace (virtual time).");
        foreach (var option in new Option[] { trace, window, scale, model, policies, features, standby, sizing, delay, interval, target, dispatch, json, plot })
        {
            command.Options.Add(option);
        }

        command.SetGuardedAction(async (parse, ct) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var names = parse.GetValue(policies)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (names.Length == 0)
            {
                throw new UsageException("--policies: name at least one policy.");
            }

            Require(parse.GetValue(standby) >= 0, "--standby: must be >= 0.");
            Require(parse.GetValue(delay) >= 0, "--scale-down-delay: must be >= 0.");
            Require(parse.GetValue(interval) > 0, "--interval: must be > 0.");
            var jsonPath = parse.GetValue(json) is { } jsonGiven ? OutputPath.Check("--json", jsonGiven) : null;
            var plotPath = parse.GetValue(plot) is { } plotGiven ? OutputPath.Check("--plot", plotGiven, OutputPath.PlotExtensions) : null;
            var numbers = SeedModels.Get(parse.GetValue(model)!);
            var options = new SimulationOptions
            {
                Model = numbers,
                Interval = TimeSpan.FromSeconds(parse.GetValue(interval)),
                AttainmentTarget = parse.GetValue(target),
                Dispatch = parse.GetValue(dispatch),
                Bounds = new ScalingBounds
                {
                    Features = ScalingFeatureNames.Parse(parse.GetValue(features)),
                    Standby = new StandbySettings(parse.GetValue(standby), TimeSpan.FromSeconds(60)) { SizeFromBursts = SizeFromBursts(parse.GetValue(sizing)!) },
                    ScaleDownDelay = TimeSpan.FromSeconds(parse.GetValue(delay)),
                },
            };
            var requests = TraceLoader.Load(parse.GetValue(trace)!, TraceWindow.Parse(parse.GetValue(window)), parse.GetValue(scale));
            var comparison = PolicyComparison.Run(requests, names, options);

            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{parse.GetValue(trace)} window {parse.GetValue(window) ?? "all"} scale {parse.GetValue(scale)}: {requests.Count} requests, model {numbers.Name}, {comparison.RenderYardsticks()}"));
            await output.WriteLineAsync(comparison.RenderTable());
            if (jsonPath is not null)
            {
                await File.WriteAllTextAsync(jsonPath, comparison.ToJson().ToJsonString(StatsTable.JsonOptions), ct);
                await output.WriteLineAsync($"json: {jsonPath}");
            }

            if (plotPath is not null)
            {
                TimelinePlot.Save(comparison, plotPath, string.Create(CultureInfo.InvariantCulture,
                    $"{Path.GetFileNameWithoutExtension(parse.GetValue(trace))} {parse.GetValue(window) ?? "all"} x{parse.GetValue(scale)}, {numbers.Name}, "));
                await output.WriteLineAsync($"plot: {plotPath}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static bool SizeFromBursts(string value) => value.Trim().ToLowerInvariant() switch
    {
        "fixed" => false,
        "bursts" => true,
        _ => throw new UsageException($"--standby-sizing: '{value}' must be fixed or bursts."),
    };

    private static void Require(bool ok, string message)
    {
        if (!ok)
        {
            throw new UsageException(message);
        }
    }
}
