using Tandem.Engines.Load;
using Tandem.Engines.Mock;
using Tandem.Engines.Router;
using Tandem.Scaling.Lifecycle;
using Tandem.Scaling.Workload;

namespace Tandem.Engines.Tests.Load;

public sealed class LoadGeneratorTests
{
    [Fact]
    public async Task Fixed_rate_run_through_the_router_times_every_token_of_every_request()
    {
        await using var prefill = await MockEngineServer.StartAsync(TestProfiles.Engine(InstanceRole.Prefill));
        await using var decode = await MockEngineServer.StartAsync(TestProfiles.Engine(InstanceRole.Decode));
        await using var router = await RouterServer.StartAsync(new RouterOptions
        {
            HttpPort = 0,
            ControlPort = 0,
            StaticMembers = [new("p", prefill.HttpAddress, InstanceRole.Prefill, InstanceState.Active), new("d", decode.HttpAddress, InstanceRole.Decode, InstanceState.Active)],
        });
        using var http = new HttpClient();

        var outcomes = await new LoadGenerator(http).RunAsync(LoadPlan.FixedRate(double.PositiveInfinity, 12, 64, 8), new LoadOptions { Url = router.HttpUri, Concurrency = 4 });
        var stats = RunStatsCalculator.Compute(outcomes);

        Assert.Equal(12, outcomes.Count);
        Assert.All(outcomes, o => Assert.Equal(8, o.TokenTimes.Count));
        Assert.Equal(0, stats.FailedRequests);
        Assert.Equal(64, stats.AverageInputTokens);
        Assert.True(stats.TtftP50Ms > 0);
        Assert.Equal(12, decode.Engine.AdmittedRequests);
    }

    [Fact]
    public async Task Concurrency_bound_keeps_at_most_that_many_requests_on_the_engine()
    {
        var slow = TestProfiles.Fast with { DecodeStepMillis = 3 };
        await using var engine = await MockEngineServer.StartAsync(TestProfiles.Engine(profile: slow));
        using var http = new HttpClient();
        var peak = 0;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                var status = engine.Engine.Status();
                peak = Math.Max(peak, status.RunningRequests + status.WaitingRequests);
                await Task.Delay(1);
            }
        });

        var outcomes = await new LoadGenerator(http).RunAsync(LoadPlan.FixedRate(double.PositiveInfinity, 8, 16, 20), new LoadOptions { Url = engine.HttpUri, Concurrency = 2 });
        await sampling.CancelAsync();
        await sampler;

        Assert.All(outcomes, o => Assert.False(o.Failed, o.Error));
        Assert.InRange(peak, 1, 2);
    }

    [Fact]
    public async Task Duration_stops_sending_requests_planned_after_it()
    {
        await using var engine = await MockEngineServer.StartAsync(TestProfiles.Engine());
        using var http = new HttpClient();
        var plan = LoadPlan.FixedRate(40, 30, 8, 2, seed: 3);
        var expected = plan.Requests.Count(r => r.ArrivalSeconds < 0.25);

        var outcomes = await new LoadGenerator(http).RunAsync(plan, new LoadOptions { Url = engine.HttpUri, Duration = TimeSpan.FromSeconds(0.25) });

        Assert.Equal(expected, outcomes.Count);
        Assert.True(expected < 30);
    }

    [Fact]
    public async Task Trace_window_replays_its_requests_with_their_lengths()
    {
        var roomy = TestProfiles.Fast with { MaxModelLength = 65536, KvCacheBlocks = 100_000, DecodeStepMillis = 0.2 };
        await using var engine = await MockEngineServer.StartAsync(TestProfiles.Engine(profile: roomy));
        using var http = new HttpClient();
        var plan = LoadPlan.FromTrace("AzureConv2023-5min", TraceWindow.Parse("#0:6"), 1000);

        var outcomes = await new LoadGenerator(http).RunAsync(plan, new LoadOptions { Url = engine.HttpUri });

        Assert.Equal(6, outcomes.Count);
        Assert.Equal(plan.Requests.Select(r => r.OutputTokens), outcomes.Select(o => o.TokenTimes.Count));
        Assert.Equal(plan.Requests.Select(r => r.InputTokens), outcomes.Select(o => o.InputTokens));
    }

    [Fact]
    public async Task Unreachable_server_gives_failed_outcomes_not_an_exception()
    {
        using var http = new HttpClient();

        var outcomes = await new LoadGenerator(http).RunAsync(LoadPlan.FixedRate(double.PositiveInfinity, 2, 4, 2), new LoadOptions { Url = new Uri("http://127.0.0.1:1/") });

        Assert.All(outcomes, o => Assert.Contains("connection failed", o.Error));
        Assert.Equal(2, RunStatsCalculator.Compute(outcomes).FailedRequests);
    }

    [Theory]
    [InlineData(0, 1, 1, 1, "--rate")]
    [InlineData(1, 0, 1, 1, "--requests")]
    [InlineData(1, 1, 0, 1, "--input-len")]
    [InlineData(1, 1, 1, 0, "--output-len")]
    public void Fixed_rate_plan_rejects_bad_numbers_naming_the_flag(double rate, int count, int input, int output, string flag)
    {
        var error = Assert.Throws<ArgumentException>(() => LoadPlan.FixedRate(rate, count, input, output));

        Assert.StartsWith(flag, error.Message);
    }
}
