using System.Text.Json.Nodes;

namespace Tandem.Cli.Tests.EndToEnd;

/// <summary>The README's main command, on a short window: the whole embedded stack serves a real trace with no failure.</summary>
[Collection(EndToEndCollection.Name)]
public class DemoCommandTests
{
    [Fact]
    public async Task Demo_replays_a_trace_window_end_to_end_and_writes_stats_json_and_a_plot()
    {
        var dir = Directory.CreateTempSubdirectory("tandem-demo-");
        try
        {
            var json = Path.Combine(dir.FullName, "demo.json");
            var plot = Path.Combine(dir.FullName, "demo.png");

            var (exit, output, error) = await CliRunner.RunAsync("demo", "--trace", "AzureConv2023-5min", "--window", "0:20", "--speed", "2", "--json", json, "--plot", plot);

            Assert.True(exit == 0, error + output);
            Assert.Contains("is Ready; router at", output);
            Assert.Contains("SLO attainment", output);
            var stats = JsonNode.Parse(await File.ReadAllTextAsync(json))!;
            Assert.True(stats["requests"]!.GetValue<int>() > 20);
            Assert.Equal(0, stats["failedRequests"]!.GetValue<int>());
            Assert.True(new FileInfo(plot).Length > 1000);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Demo_refuses_a_bad_window_naming_the_flag()
    {
        var (exit, _, error) = await CliRunner.RunAsync("demo", "--window", "soon");

        Assert.Equal(2, exit);
        Assert.Contains("--window", error);
    }
}
