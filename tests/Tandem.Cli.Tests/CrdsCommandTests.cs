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
    public async Task Crds_command_without_out_fails_naming_the_flag()
    {
        var (exit, _, error) = await CliRunner.RunAsync("crds");

        Assert.NotEqual(0, exit);
        Assert.Contains("--out", error);
    }
}
