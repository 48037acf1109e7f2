using System.Globalization;
using Tandem.Cli.Embedded;

namespace Tandem.Benchmarks.Operator;

/// <summary>
/// The operator's reaction time (issue 7): a timed run, not a micro-benchmark. On the embedded stack (emulator,
/// in-process operator, mock engines and routers on pod IPs) it measures, per scale-up path (warm, standby from a peer,
/// standby from storage, cold pod), the time from a load step to the first scale-up action, the first Activate call and
/// the new instance serving; prints a table and writes JSON.
/// <c>dotnet run -c Release --project tests/Tandem.Benchmarks -- reaction [--repetitions N] [--paths P,...] [--json F]</c>
/// </summary>
internal static class ReactionBenchmark
{
    public const string Switch = "reaction";
    private const string DefaultJson = "BenchmarkDotNet.Artifacts/results/operator-reaction.json";

    public static async Task<int> RunAsync(string[] args)
    {
        ReactionArguments options;
        try
        {
            options = ReactionArguments.Parse(args);
        }
        catch (ArgumentException error)
        {
            await Console.Error.WriteLineAsync(error.Message);
            await Console.Error.WriteLineAsync(ReactionArguments.Usage);
            return 2;
        }

        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };

        var scenarios = ReactionScenario.All.Where(s => options.Paths is null || options.Paths.Contains(s.Deployment)).ToArray();
        Console.WriteLine($"operator reaction time: {options.Repetitions} repetitions per path, autoscaler interval {ReactionScenario.Interval}, " +
            $"mock load times {string.Join(", ", ReactionScenario.ProfileLoadTimes.Select(kv => $"{kv.Key} {kv.Value}"))}");
        var started = DateTime.UtcNow;
        await using var stack = await EmbeddedStack.StartAsync(new EmbeddedStackOptions { Nodes = 2, GpusPerNode = 8 }, cancel.Token);
        await stack.ApplyAsync(ReactionScenario.Profile, cancel: cancel.Token);
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var runner = new ScenarioRunner(stack, http, Console.WriteLine);
        var rows = new List<ReactionRow>();
        foreach (var scenario in scenarios)
        {
            Console.WriteLine($"{scenario.Path} ({scenario.Deployment}: features {scenario.Features}, standby {scenario.StandbyReplicas}, scaleDownDelay {scenario.ScaleDownDelay}, idleTimeout {scenario.IdleTimeout})");
            rows.Add(ReactionRow.Of(await runner.RunAsync(scenario, options.Repetitions, cancel.Token)));
        }

        Console.WriteLine();
        Console.Write(ReactionReport.Table(rows));
        await ReactionReport.WriteJsonAsync(options.JsonPath ?? DefaultJson, rows, cancel.Token);
        Console.WriteLine($"wrote {options.JsonPath ?? DefaultJson} ({(DateTime.UtcNow - started).TotalSeconds.ToString("F0", CultureInfo.InvariantCulture)} s in all)");
        return rows.All(r => r.OnPath == r.Repetitions) ? 0 : 1;
    }
}
