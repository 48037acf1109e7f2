using Tandem.Api.Docs;

namespace Tandem.Cli.Tests;

public class DocsCommandTests
{
    [Fact]
    public async Task Docs_command_writes_the_api_reference_creating_the_folder()
    {
        var dir = Directory.CreateTempSubdirectory("tandem-docs-");
        try
        {
            var path = Path.Combine(dir.FullName, "reference", "api.md");

            var (exit, output, error) = await CliRunner.RunAsync("docs", "--out", path);

            Assert.True(exit == 0, error);
            Assert.Equal(ApiReference.Render(), File.ReadAllText(path));
            Assert.Contains(path, output);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Docs_command_without_out_prints_the_reference()
    {
        var (exit, output, _) = await CliRunner.RunAsync("docs");

        Assert.Equal(0, exit);
        Assert.Equal(ApiReference.Render(), output);
    }

    [Fact]
    public async Task Docs_command_refuses_a_directory_as_out_naming_the_flag()
    {
        var dir = Directory.CreateTempSubdirectory("tandem-docs-");
        try
        {
            var (exit, _, error) = await CliRunner.RunAsync("docs", "--out", dir.FullName);

            Assert.NotEqual(0, exit);
            Assert.Contains("--out", error);
            Assert.Contains("is a directory", error);
            Assert.Empty(dir.GetFileSystemInfos());
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Docs_help_explains_the_out_flag()
    {
        var (exit, output, _) = await CliRunner.RunAsync("docs", "--help");

        Assert.Equal(0, exit);
        Assert.Contains("--out", output);
        Assert.Contains("docs/reference/api.md", output);
    }
}
