using System.CommandLine;

namespace Tandem.Cli.Commands;

/// <summary>Every subcommand of the `tandem` program, in the order `--help` lists them.</summary>
internal static class CommandCatalog
{
    public static IEnumerable<Command> All()
    {
        yield return OperatorCommand.Create();
        yield return CrdsCommand.Create();
        yield return DocsCommand.Create();
        yield return ClusterCommand.Create();
        yield return EngineCommand.Create();
        yield return RouterCommand.Create();
        yield return LoadCommand.Create();
        yield return SimCommand.Create();
        yield return BenchCommand.Create();
        yield return DemoCommand.Create();
    }
}
