using System.CommandLine;
using System.Text.Json;
using Tandem.Cli.Commands;
using Tandem.Engines.Mock;
using Tandem.Engines.Router;
using Tandem.Scaling.Lifecycle;
using Tandem.Scaling.Workload;

namespace Tandem.Cli.Tests;

public sealed class LoadCommandTests
{
    [Fact]
    public async Task Load_command_against_an_in_process_router_prints_the_stats_table_and_writes_json()
    {
        var fast = MockEngineProfile.Seed("llama3-8b").Accelerated(1000);
        await using var prefill = await MockEngineServer.StartAsync(new MockEngineOptions { HttpPort = 0, ControlPort = 0, Profile = fast, Role = InstanceRole.Prefill });
        await using var decode = await MockEngineServer.StartAsync(new MockEngineOptions { HttpPort = 0, ControlPort = 0, Profile = fast, Role = InstanceRole.Decode });
        await using var router = await RouterServer.StartAsync(new RouterOptions
        {
            HttpPort = 0,
            ControlPort = 0,
            StaticMembers = [new("p", prefill.HttpAddress, InstanceRole.Prefill, InstanceState.Active), new("d", decode.HttpAddress, InstanceRole.Decode, InstanceState.Active)],
        });
        var json = Path.Combine(Path.GetTempPath(), $"tandem-load-{Guid.NewGuid():N}.json");
        var output = new StringWriter();

        try
        {
            var exit = await LoadCommand.Create().Parse([
                "--url", router.HttpUri.ToString(), "--rate", "inf", "--requests", "10", "--input-len", "100", "--output-len", "6",
                "--concurrency", "4", "--slo-ttft", "60000", "--slo-tpot", "60000", "--json", json]).InvokeAsync(new InvocationConfiguration { Output = output, Error = new StringWriter() });
            var stats = JsonSerializer.Deserialize<RunStats>(await File.ReadAllTextAsync(json), StatsTable.JsonOptions)!;

            Assert.Equal(0, exit);
            Assert.Contains("requests/s", output.ToString());
            Assert.Contains("SLO attainment", output.ToString());
            Assert.Equal(10, stats.Requests);
            Assert.Equal(0, stats.FailedRequests);
            Assert.Equal(6, stats.AverageOutputTokens);
            Assert.Equal(1.0, stats.SloAttainment);
            Assert.Contains("\"requestsPerSecond\"", await File.ReadAllTextAsync(json));
        }
        finally
        {
            File.Delete(json);
        }
    }

    [Fact]
    public async Task Load_command_replays_a_shipped_trace_window_against_a_mock_engine()
    {
        var fast = MockEngineProfile.Seed("llama3-8b").Accelerated(1000);
        await using var engine = await MockEngineServer.StartAsync(new MockEngineOptions { HttpPort = 0, ControlPort = 0, Profile = fast });
        var output = new StringWriter();

        var exit = await LoadCommand.Create().Parse(["--url", engine.HttpUri.ToString(), "--trace", "AzureCode2023-5min", "--window", "#0:5", "--scale", "100"])
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = new StringWriter() });

        Assert.Equal(0, exit);
        Assert.Matches(@"requests\s+5", output.ToString());
    }

    [Fact]
    public async Task Load_command_exits_1_when_every_request_fails()
    {
        var error = new StringWriter();

        var exit = await LoadCommand.Create().Parse(["--url", "http://127.0.0.1:1", "--rate", "inf", "--requests", "2", "--input-len", "3", "--output-len", "2"])
            .InvokeAsync(new InvocationConfiguration { Output = new StringWriter(), Error = error });

        Assert.Equal(1, exit);
        Assert.Contains("connection failed", error.ToString());
    }

    [Theory]
    [InlineData(new[] { "--url", "http://x", "--rate", "5" }, "--requests")]
    [InlineData(new[] { "--url", "http://x", "--rate", "fast", "--requests", "1", "--input-len", "1", "--output-len", "1" }, "--rate")]
    [InlineData(new[] { "--url", "http://x" }, "either --trace")]
    [InlineData(new[] { "--url", "http://x", "--trace", "AzureConv2023-5min", "--input-len", "5" }, "--input-len")]
    [InlineData(new[] { "--url", "http://x", "--trace", "AzureConv2023-5min", "--window", "9:1" }, "--window")]
    [InlineData(new[] { "--url", "http://x", "--trace", "nope.csv" }, "--trace")]
    [InlineData(new[] { "--url", "ftp://x", "--trace", "AzureConv2023-5min" }, "--url")]
    [InlineData(new[] { "--url", "http://x", "--trace", "AzureConv2023-5min", "--slo-ttft", "100" }, "--slo-tpot")]
    [InlineData(new[] { "--url", "http://x", "--trace", "AzureConv2023-5min", "--duration", "soon" }, "--duration")]
    [InlineData(new[] { "--url", "http://x", "--trace", "AzureConv2023-5min", "--concurrency", "0" }, "--concurrency")]
    public async Task Load_command_rejects_bad_flags_naming_them(string[] args, string named)
    {
        var error = new StringWriter();

        var exit = await LoadCommand.Create().Parse(args).InvokeAsync(new InvocationConfiguration { Output = new StringWriter(), Error = error });

        Assert.Equal(2, exit);
        Assert.Contains(named, error.ToString());
    }
}
