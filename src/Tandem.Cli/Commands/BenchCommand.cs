using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Tandem.Cli.CommandLine;
using Tandem.Scaling.Bench;
using Tandem.Scaling.Workload;

namespace Tandem.Cli.Commands;

/// <summary><c>tandem bench</c>: runs an experiment template (simulated here), archiving summary.json per run and summary.csv.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var template = new Argument<string>("TEMPLATE") { Description = "Experiment template (TOML): [global], [selection], [router], [models], [features], [datasets], [extra-envs]." };
        var checkpoint = new Option<string?>("--checkpoint") { Description = "Archive folder; runs whose summary.json is there are skipped (resume). Default: bench-results/<template name>." };
        var force = new Option<bool>("--force") { Description = "Run every run again, even those already in the archive." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the runs and execute none." };
        var color = new Option<bool>("--color") { Description = "Colour the output." };

        var command = new Command("bench", "Run an experiment template: models x features x datasets (x list-valued router keys).");
        command.Arguments.Add(template);
        foreach (var option in new Option[] { checkpoint, force, dryRun, color })
        {
            command.Options.Add(option);
        }

        command.SetGuardedAction((parse, ct) =>
        {
            var console = AnsiConsole.Create(new AnsiConsoleSettings
            {
                Out = new AnsiConsoleOutput(parse.InvocationConfiguration.Output),
                Ansi = parse.GetValue(color) ? AnsiSupport.Yes : AnsiSupport.No,
                ColorSystem = parse.GetValue(color) ? ColorSystemSupport.Standard : ColorSystemSupport.NoColors,
                Interactive = InteractionSupport.No,
            });
            console.Profile.Width = 200;
            var given = parse.GetValue(template)!;
            var parsed = BenchTemplateParser.Load(given);
            var path = Path.GetFullPath(given);
            var runs = BenchPlan.Expand(parsed);
            // Relative to the directory the command runs in, reported absolute.
            var archive = Path.GetFullPath(parse.GetValue(checkpoint) ?? Path.Combine("bench-results", Path.GetFileNameWithoutExtension(path)));
            console.MarkupLine($"[bold]{Markup.Escape(path)}[/]: {runs.Count} run(s), archive [blue]{Markup.Escape(archive)}[/]");
            if (parse.GetValue(dryRun))
            {
                foreach (var run in runs)
                {
                    var done = File.Exists(Path.Combine(archive, run.Name, "summary.json")) && !parse.GetValue(force);
                    console.MarkupLine($"  {(done ? "[grey]skip[/]" : "[yellow]run [/]")} {Markup.Escape(run.Name)}  policy={run.Policy} "
                        + Markup.Escape(string.Join(" ", run.Router.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={BenchRun.Format(kv.Value)}"))));
                }

                console.MarkupLine("[grey]dry run: nothing executed[/]");
                return Task.FromResult(ExitCodes.Ok);
            }

            var results = BenchRunner.Run(parsed, archive, parse.GetValue(force), (k, total, r) =>
                console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
                    $"[[{k}/{total}]] {Markup.Escape(r.Run.Name)}: {(r.Skipped ? "[grey]skipped (in checkpoint)[/]" : "[green]done[/]")} "
                    + $"SLO {(r.Stats.SloAttainment ?? 0) * 100:0.0}%, {r.Stats.GpuSeconds ?? 0:0} GPU-s, ratio to oracle {r.OracleRatio:0.00}")), ct);

            parse.InvocationConfiguration.Output.WriteLine(StatsTable.Render(
                results.Select(r => (r.Run.Name, r.Stats)).ToArray(),
                [
                    ("ratio to oracle", results.Select(r => r.OracleRatio.ToString("0.00", CultureInfo.InvariantCulture)).ToArray()),
                    ("scale events", results.Select(r => r.ScaleEvents.ToString(CultureInfo.InvariantCulture)).ToArray()),
                ]));
            console.MarkupLine($"summary: [blue]{Markup.Escape(Path.Combine(archive, "summary.csv"))}[/]");
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }
}
