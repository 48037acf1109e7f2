namespace Tandem.Cli.Tests;

/// <summary>One error style for every command, through the program's entry point: <c>error: ...</c>, exit 2 for a user's mistake, no help dump, no stack trace.</summary>
public sealed class CliErrorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tandem-errors-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task A_value_the_parser_refuses_prints_one_error_line_and_a_pointer_to_help_not_the_help()
    {
        var (exit, output, error) = await CliRunner.RunAsync("demo", "--policy", "hpa");

        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Equal(["error: --policy must be bounds, slo or static.", "Run 'tandem demo --help' for the options."], Lines(error));
    }

    [Theory]
    [InlineData("--plot", "missing/x.png", "the folder")]
    [InlineData("--plot", "out.jpg", "must end in .png or .svg")]
    [InlineData("--json", "missing/x.json", "the folder")]
    public async Task Demo_refuses_an_output_path_it_cannot_write_before_it_starts_the_run(string flag, string value, string rule)
    {
        var (exit, output, error) = await CliRunner.RunAsync("demo", flag, Path.Combine(_dir, value));

        Assert.Equal(2, exit);
        Assert.Equal("", output);
        var line = Assert.Single(Lines(error));
        Assert.StartsWith("error: " + flag + ": ", line);
        Assert.Contains(rule, line);
        Assert.Contains(_dir, line);
    }

    [Fact]
    public async Task Sim_scale_zero_names_the_flag_without_a_dotnet_parameter_name()
    {
        var (exit, _, error) = await CliRunner.RunAsync("sim", "--trace", "AzureConv2023-5min", "--scale", "0");

        Assert.Equal(2, exit);
        Assert.StartsWith("error: --scale must be a positive number", error);
        Assert.DoesNotContain("Parameter", error);
    }

    [Fact]
    public async Task Sim_refuses_a_jpeg_plot_before_simulating()
    {
        var plot = Path.Combine(_dir, "sim.jpg");

        var (exit, output, error) = await CliRunner.RunAsync("sim", "--trace", "AzureConv2023-5min", "--window", "0:10", "--policies", "bounds", "--plot", plot);

        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Contains("--plot: " + plot + " must end in .png or .svg", error);
        Assert.False(File.Exists(plot));
    }

    [Fact]
    public async Task Shipped_trace_names_match_in_any_case_and_written_files_are_reported_with_their_absolute_path()
    {
        var json = Path.Combine(_dir, "sim.json");

        var (exit, output, error) = await CliRunner.RunAsync("sim", "--trace", "azureconv2023-5MIN", "--window", "0:10", "--policies", "bounds", "--json", json);

        Assert.True(exit == 0, error);
        Assert.Contains("json: " + json, output);
        Assert.True(File.Exists(json));
    }

    [Fact]
    public async Task A_missing_input_file_is_reported_with_the_absolute_path_tried()
    {
        var (exit, _, error) = await CliRunner.RunAsync("bench", "no-such-template.toml");

        Assert.Equal(2, exit);
        Assert.StartsWith("error: TEMPLATE: ", error);
        Assert.Contains(Path.GetFullPath("no-such-template.toml"), error);
    }

    [Fact]
    public async Task A_run_where_every_request_failed_exits_1_with_an_error_line()
    {
        var (exit, _, error) = await CliRunner.RunAsync("load", "--url", "http://127.0.0.1:1", "--rate", "inf", "--requests", "2", "--input-len", "3", "--output-len", "2");

        Assert.Equal(1, exit);
        Assert.Contains("error: all 2 request(s) failed.", error);
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
