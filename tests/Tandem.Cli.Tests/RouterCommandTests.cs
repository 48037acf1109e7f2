using System.CommandLine;
using System.Diagnostics;
using System.Text.RegularExpressions;
using Tandem.Cli.Commands;
using Tandem.Engines.Load;
using Tandem.Engines.Mock;
using Tandem.Engines.OpenAi;
using Tandem.Scaling.Lifecycle;

namespace Tandem.Cli.Tests;

public sealed class RouterCommandTests
{
    [Fact]
    public async Task Router_command_with_static_instances_serves_a_pd_request()
    {
        var fast = MockEngineProfile.Seed("llama3-8b").Accelerated(1000);
        await using var prefill = await MockEngineServer.StartAsync(new MockEngineOptions { HttpPort = 0, ControlPort = 0, Profile = fast, Role = InstanceRole.Prefill });
        await using var decode = await MockEngineServer.StartAsync(new MockEngineOptions { HttpPort = 0, ControlPort = 0, Profile = fast, Role = InstanceRole.Decode });
        var output = new StringWriter();
        var config = new InvocationConfiguration { Output = TextWriter.Synchronized(output), Error = TextWriter.Synchronized(new StringWriter()) };
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var run = RouterCommand.Create().Parse([
            "--listen", "127.0.0.1:0", "--control-port", "0", "--policy", "least-loaded",
            "--instances", $"{prefill.HttpAddress}=prefill,{decode.HttpAddress}=decode"]).InvokeAsync(config, stop.Token);
        var line = await EngineCommandTests.WaitForLineAsync(output, "RouterControl on ");
        var url = new Uri(Regex.Match(line, @"OpenAI on (\S+),").Groups[1].Value);

        using var http = new HttpClient();
        var clock = Stopwatch.StartNew();
        var result = await new StreamingCompletionClient(http).StreamAsync(url, PromptTokens.Build(32), 5, () => clock.Elapsed.TotalSeconds);
        await stop.CancelAsync();
        var exit = await run;

        Assert.True(result.Ok, result.Error);
        Assert.Equal(5, result.TokenTimes.Count);
        Assert.Contains("2 static instances", line);
        Assert.Equal(0, exit);
    }

    [Theory]
    [InlineData("--policy", "fastest", "--policy")]
    [InlineData("--instances", "127.0.0.2:8000=gpu", "--instances")]
    [InlineData("--queue-timeout", "0", "--queue-timeout")]
    public async Task Router_command_rejects_bad_flags_naming_them(string flag, string value, string named)
    {
        var error = new StringWriter();

        var exit = await RouterCommand.Create().Parse(["--listen", "127.0.0.1:0", flag, value])
            .InvokeAsync(new InvocationConfiguration { Output = new StringWriter(), Error = error });

        Assert.Equal(2, exit);
        Assert.Contains(named, error.ToString());
    }
}
