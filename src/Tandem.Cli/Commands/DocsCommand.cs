using System.CommandLine;
using Tandem.Api.Docs;

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
        command.SetAction(parseResult =>
        {
            if (parseResult.GetValue(output) is not { } file)
            {
                parseResult.InvocationConfiguration.Output.Write(ApiReference.Render());
                return 0;
            }

            if (Directory.Exists(file.FullName))
            {
                parseResult.InvocationConfiguration.Error.WriteLine($"--out: '{file.FullName}' is a directory; give a markdown file path such as {ApiReference.RepositoryPath}.");
                return 2;
            }

            ApiReference.WriteTo(file.FullName);
            parseResult.InvocationConfiguration.Output.WriteLine(file.FullName);
            return 0;
        });
        return command;
    }
}
