namespace Tandem.Cli.Tests;

public class CrdsCommandTests
{
    [Fact]
    public async Task Crds_command_writes_one_file_per_kind()
    {
        var dir = Directory.CreateTempSubdirectory("tandem-crds-");
        try
        {
            var (exit, output, _) = await CliRunner.RunAsync("crds", "--out", dir.FullName);

            Assert.Equal(0, exit);
            var files = dir.GetFiles("*.yaml").Select(f => f.Name).Order().ToArray();
            Assert.Equal(["serving.tandem.dev_enginepools.yaml", "serving.tandem.dev_inferencedeployments.yaml", "serving.tandem.dev_modelprofiles.yaml"], files);
            Assert.Contains("serving.tandem.dev_inferencedeployments.yaml", output);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Dotnet_run_resolves_relative_paths_against_the_directory_it_was_typed_in()
    {
        // The README's form of every command: `dotnet run --project src/Tandem.Cli -- ...` from the user's directory
        // (the Web SDK would otherwise start the program in the project folder).
        var project = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../src/Tandem.Cli"));
        var dir = Directory.CreateTempSubdirectory("tandem-run-");
        try
        {
#if DEBUG
            const string configuration = "Debug";
#else
            const string configuration = "Release";
#endif
            var result = await ExternalProcess.RunAsync("dotnet", ["run", "--project", project, "-c", configuration, "--no-build", "--", "crds", "--out", "generated"],
                environment: new Dictionary<string, string> { ["DOTNET_NOLOGO"] = "1", ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1" }, workingDirectory: dir.FullName);

            Assert.True(result.ExitCode == 0, result.Error + result.Output);
            var written = Path.Combine(dir.FullName, "generated", "serving.tandem.dev_modelprofiles.yaml");
            Assert.True(File.Exists(written), result.Output);
            Assert.Contains(written, result.Output);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Crds_command_without_out_fails_naming_the_flag()
    {
        var (exit, _, error) = await CliRunner.RunAsync("crds");

        Assert.NotEqual(0, exit);
        Assert.Contains("--out", error);
    }
}
