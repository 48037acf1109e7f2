using System.CommandLine;
using System.Text.RegularExpressions;
using Tandem.Cli.Commands;
using Tandem.Engines.Clients;
using Tandem.Scaling.Lifecycle;

namespace Tandem.Cli.Tests;

public sealed class EngineCommandTests
{
    [Fact]
    public async Task Engine_command_serves_completions_and_engine_control_until_cancelled()
    {
        var output = new StringWriter();
        var config = new InvocationConfiguration { Output = TextWriter.Synchronized(output), Error = TextWriter.Synchronized(new StringWriter()) };
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var run = EngineCommand.Create().Parse(["--listen", "127.0.0.1", "--port", "0", "--control-port", "0", "--profile", "llama2-7b", "--role", "decode", "--speed", "100"]).InvokeAsync(config, stop.Token);
        var line = await WaitForLineAsync(output, "EngineControl on ");
        var http = Regex.Match(line, @"OpenAI on (\S+),").Groups[1].Value;
        var control = Regex.Match(line, @"EngineControl on (\S+)").Groups[1].Value;

        using var client = new HttpClient();
        var health = await client.GetAsync(new Uri(new Uri(http), "health"));
        using var pool = new EngineConnectionPool();
        var status = await pool.Engine(control).HealthAsync();
        await stop.CancelAsync();
        var exit = await run;

        Assert.True(health.IsSuccessStatusCode);
        Assert.Equal(InstanceState.Active, status.State);
        Assert.Equal(InstanceRole.Decode, status.Role);
        Assert.Equal(8000, status.TotalKvBlocks);
        Assert.Equal(0, exit);
    }

    [Fact]
    public async Task Engine_command_reads_a_model_profile_yaml()
    {
        var path = Path.Combine(Path.GetTempPath(), $"tandem-profile-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(path, """
            apiVersion: serving.tandem.dev/v1alpha1
            kind: ModelProfile
            metadata:
              name: tiny
            spec:
              tensorParallelSize: 1
              kvCacheBlocks: 123
              kvBlockTokens: 64
              throughput:
                prefillTokensPerSecond: 50000
                transferTokensPerSecond: 90000
              loadTime:
                storage: 2s
            """);
        var output = new StringWriter();
        var config = new InvocationConfiguration { Output = TextWriter.Synchronized(output), Error = TextWriter.Synchronized(new StringWriter()) };
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            var run = EngineCommand.Create().Parse(["--listen", "127.0.0.1:0", "--control-port", "0", "--profile", path, "--standby"]).InvokeAsync(config, stop.Token);
            var line = await WaitForLineAsync(output, "EngineControl on ");
            using var pool = new EngineConnectionPool();
            var status = await pool.Engine(Regex.Match(line, @"EngineControl on (\S+)").Groups[1].Value).HealthAsync();
            await stop.CancelAsync();
            await run;

            Assert.Contains("mock engine 'tiny' (standby", line);
            Assert.Equal(InstanceState.Standby, status.State);
            Assert.Equal(123, status.TotalKvBlocks);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("--listen", "localhost:80", "--listen")]
    [InlineData("--profile", "gpt-9", "--profile")]
    public async Task Engine_command_rejects_bad_flags_naming_them(string flag, string value, string named)
    {
        var error = new StringWriter();
        var args = new Dictionary<string, string> { ["--listen"] = "127.0.0.1:0", ["--profile"] = "llama3-8b" };
        args[flag] = value;

        var exit = await EngineCommand.Create().Parse(args.SelectMany(kv => new[] { kv.Key, kv.Value }).ToArray())
            .InvokeAsync(new InvocationConfiguration { Output = new StringWriter(), Error = error });

        Assert.Equal(2, exit);
        Assert.Contains(named, error.ToString());
    }

    internal static async Task<string> WaitForLineAsync(StringWriter output, string marker)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            string text;
            lock (output)
            {
                text = output.ToString();
            }

            var line = text.Split('\n').FirstOrDefault(l => l.Contains(marker, StringComparison.Ordinal));
            if (line is not null)
            {
                return line.Trim();
            }

            deadline.Token.ThrowIfCancellationRequested();
            await Task.Delay(10);
        }
    }
}
