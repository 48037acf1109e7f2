using System.CommandLine;
using Tandem.Api.Schema;

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
        command.SetAction(parseResult =>
        {
            foreach (var path in CrdFiles.WriteTo(parseResult.GetValue(output)!.FullName))
            {
                Console.WriteLine(path);
            }

            return 0;
        });
        return command;
    }
}
