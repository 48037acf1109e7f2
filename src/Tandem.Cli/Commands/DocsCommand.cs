using System.CommandLine;
using Tandem.Api.Docs;
using Tandem.Cli.CommandLine;

namespace Tandem.Cli.Commands;

/// <summary><c>tandem docs --out FILE</c>: writes the API field reference generated from the API types' doc comments.</summary>
internal static class DocsCommand
{
    public static Command Create()
    {
        var output = new Option<FileInfo>("--out")
        {
            Description = $"Markdown file to write (its folder is created if missing), e.g. {ApiReference.RepositoryPath}. Without it the reference goes to standard output.",
        };
        var command = new Command("docs", "Write the reference of every CRD field, generated from the same doc comments as the CRDs.") { output };
        command.SetGuardedAction((parseResult, _) =>
        {
            if (parseResult.GetValue(output) is not { } file)
            {
                parseResult.InvocationConfiguration.Output.Write(ApiReference.Render());
                return Task.FromResult(ExitCodes.Ok);
            }

            if (Directory.Exists(file.FullName))
            {
                throw new UsageException($"--out: '{file.FullName}' is a directory; give a markdown file path such as {ApiReference.RepositoryPath}.");
            }

            ApiReference.WriteTo(file.FullName);
            parseResult.InvocationConfiguration.Output.WriteLine(file.FullName);
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }
}
