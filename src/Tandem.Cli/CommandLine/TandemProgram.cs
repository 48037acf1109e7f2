using System.CommandLine;
using Tandem.Cli.Commands;

namespace Tandem.Cli.CommandLine;

/// <summary>
/// The <c>tandem</c> root command and its entry point: a command line that does not parse ends with
/// <c>error: ...</c> and a pointer to <c>--help</c> (exit code 2), not the whole help text.
/// </summary>
internal static class TandemProgram
{
    public static RootCommand CreateRoot()
    {
        var root = new RootCommand("Tandem: autoscaled, disaggregated LLM serving on Kubernetes.");
        foreach (var command in CommandCatalog.All())
        {
            root.Subcommands.Add(command);
        }

        return root;
    }

    public static async Task<int> InvokeAsync(string[] args, InvocationConfiguration? configuration = null, CancellationToken cancel = default)
    {
        configuration ??= new InvocationConfiguration();
        var parse = CreateRoot().Parse(args);
        if (parse.Errors.Count == 0)
        {
            return await parse.InvokeAsync(configuration, cancel).ConfigureAwait(false);
        }

        foreach (var error in parse.Errors)
        {
            await configuration.Error.WriteLineAsync(CliErrors.Prefix + error.Message).ConfigureAwait(false);
        }

        await configuration.Error.WriteLineAsync($"Run '{CommandPath(parse.CommandResult)} --help' for the options.").ConfigureAwait(false);
        return ExitCodes.Usage;
    }

    private static string CommandPath(System.CommandLine.Parsing.CommandResult? result)
    {
        var names = new List<string>();
        for (var at = result; at is not null; at = at.Parent as System.CommandLine.Parsing.CommandResult)
        {
            names.Insert(0, at.Parent is null ? "tandem" : at.Command.Name);
        }

        return names.Count == 0 ? "tandem" : string.Join(' ', names);
    }
}
