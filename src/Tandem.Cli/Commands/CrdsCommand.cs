using System.CommandLine;
using Tandem.Api.Schema;
using Tandem.Cli.CommandLine;

namespace Tandem.Cli.Commands;

/// <summary><c>tandem crds --out DIR</c>: writes the CRDs generated from the C# API types.</summary>
internal static class CrdsCommand
{
    public static Command Create()
    {
        var output = new Option<DirectoryInfo>("--out")
        {
            Description = "Directory to write the CRD YAML files into (created if missing).",
            Required = true,
        };
        var command = new Command("crds", "Write Tandem's CustomResourceDefinitions, generated from the API types.") { output };
        command.SetGuardedAction((parseResult, _) =>
        {
            var folder = parseResult.GetValue(output)!.FullName;
            if (File.Exists(folder))
            {
                throw new UsageException($"--out: {folder} is a file; give a directory.");
            }

            foreach (var path in CrdFiles.WriteTo(folder))
            {
                parseResult.InvocationConfiguration.Output.WriteLine(path);
            }

            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }
}
