using System.CommandLine;
using System.Text.Json.Nodes;
using Tandem.Cli.Commands;

namespace Tandem.Cli.Tests;

public sealed class SimCommandTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("tandem-sim-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    internal static async Task<(int Code, string Out, string Err)> Invoke(Command command, params string[] args)
    {
        var root = new RootCommand();
        root.Subcommands.Add(command);
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Sim_prints_policies_side_by_side_and_writes_the_json_report_and_plot()
    {
        var json = Path.Combine(dir, "sim.json");
        var plot = Path.Combine(dir, "sim.png");

        var (code, output, error) = await Invoke(SimCommand.Create(), "sim", "--trace", "AzureConv2023-5min", "--window", "0:60",
            "--model", "llama3-8b", "--policies", "bounds,slo,hpa,static", "--json", json, "--plot", plot);

        Assert.True(code == 0, error);
        Assert.Contains("ratio to oracle", output);
        Assert.Contains("scale events", output);
        Assert.Contains("SLO attainment", output);
        var report = JsonNode.Parse(File.ReadAllText(json))!;
        Assert.True(report["oracle"]!["gpuSeconds"]!.GetValue<double>() > 0);
        var policies = report["policies"]!.AsArray();
        var fair = report["fairStatic"]!["name"]!.GetValue<string>();
        Assert.Equal(["bounds", "slo", "hpa", $"{fair} (fair)"], policies.Select(p => p!["name"]!.GetValue<string>()));
        Assert.Contains($"ratio to fair {fair}", output);
        Assert.All(policies, p =>
        {
            Assert.True(p!["requests"]!.GetValue<int>() > 0);
            Assert.NotNull(p["ttftP99Ms"]);
            Assert.NotNull(p["sloAttainment"]);
            Assert.NotNull(p["gpuSeconds"]);
            Assert.True(p["oracleRatio"]!.GetValue<double>() >= 1);
            Assert.Equal(p["gpuSeconds"]!.GetValue<double>(), p["servingGpuSeconds"]!.GetValue<double>() + p["reservedGpuSeconds"]!.GetValue<double>(), 6);
            Assert.NotNull(p["fairStaticRatio"]);
            Assert.NotNull(p["scaleEvents"]);
        });
        var png = File.ReadAllBytes(plot);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
    }

    [Fact]
    public async Task Sim_writes_an_svg_plot_when_the_path_ends_in_svg()
    {
        var plot = Path.Combine(dir, "sim.svg");

        var (code, _, error) = await Invoke(SimCommand.Create(), "sim", "--trace", "AzureCode2023-5min", "--window", "0:30", "--policies", "bounds", "--plot", plot);

        Assert.True(code == 0, error);
        Assert.Contains("<svg", File.ReadAllText(plot));
    }

    [Theory]
    [InlineData("--policies", "bounds,magic", "--policies: unknown policy 'magic'")]
    [InlineData("--model", "gpt-9", "--model: unknown model 'gpt-9'")]
    [InlineData("--window", "10:5", "--window: '10:5' must have 0 <= START < END")]
    [InlineData("--features", "teleport", "--features: unknown feature 'teleport'")]
    [InlineData("--scale", "0", "--scale must be a positive number")]
    [InlineData("--standby-sizing", "magic", "--standby-sizing: 'magic' must be fixed or bursts")]
    [InlineData("--target", "1.5", "--target: attainment target must be in (0, 1]")]
    public async Task Sim_rejects_bad_input_naming_the_flag(string flag, string value, string message)
    {
        string[] window = flag == "--window" ? [] : ["--window", "0:10"];
        var (code, _, error) = await Invoke(SimCommand.Create(), ["sim", "--trace", "AzureConv2023-5min", .. window, flag, value]);

        Assert.NotEqual(0, code);
        Assert.Contains(message, error);
    }
}
