using System.Text.Json;
using Tandem.Scaling.Workload;

namespace Tandem.Scaling.Tests.Workload;

public class RunStatsTests
{
    private static readonly SloTargets Slo = new(TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(100));

    [Fact]
    public void Request_attains_only_when_every_token_meets_its_deadline()
    {
        // Deadlines: 0.5, 0.6, 0.7 s after arrival at t=1.
        var onTime = new RequestOutcome(1, 10, 3, [1.5, 1.6, 1.7]);
        var lateThird = new RequestOutcome(1, 10, 3, [1.2, 1.3, 1.75]);
        var lateFirst = new RequestOutcome(1, 10, 3, [1.51, 1.52, 1.53]);

        Assert.True(Slo.Attained(onTime));
        Assert.False(Slo.Attained(lateThird));
        Assert.False(Slo.Attained(lateFirst));
        Assert.False(Slo.Attained(RequestOutcome.Failure(1, 10, 3, "refused")));
    }

    [Fact]
    public void Stats_count_failures_as_misses_and_compute_rates_over_the_span()
    {
        RequestOutcome[] outcomes =
        [
            new(0, 100, 2, [0.2, 0.3]),
            new(1, 300, 4, [1.4, 1.5, 1.6, 2.0]),
            RequestOutcome.Failure(1.5, 50, 8, "no instance"),
        ];

        var stats = RunStatsCalculator.Compute(outcomes, Slo, gpuSeconds: 12);

        Assert.Equal(3, stats.Requests);
        Assert.Equal(1, stats.FailedRequests);
        Assert.Equal(2.0, stats.DurationSeconds, 9);
        Assert.Equal(1.0, stats.RequestsPerSecond, 9);       // 2 done over 2 s
        Assert.Equal(3.0, stats.OutputTokensPerSecond, 9);   // 6 tokens over 2 s
        Assert.Equal(1.0 / 3, stats.SloAttainment!.Value, 9); // only the first attains
        Assert.Equal(300, stats.TtftP50Ms, 6);               // 200 and 400 ms
        Assert.Equal(0.65, stats.AverageInFlight, 9);         // (0.3 + 1.0) s of latency over 2 s
        Assert.Equal(12, stats.GpuSeconds);
    }

    [Fact]
    public void Table_lists_every_row_and_json_uses_camel_case_names()
    {
        var stats = RunStatsCalculator.Compute([new RequestOutcome(0, 10, 1, [0.1])], Slo);

        var table = StatsTable.Render([("bounds", stats), ("hpa", stats)]);
        var json = JsonSerializer.Serialize(stats, StatsTable.JsonOptions);

        foreach (var row in new[] { "requests/s", "output tokens/s", "latency P99 (ms)", "TTFT P99 (ms)", "TPOT P99 (ms)", "SLO attainment", "failed requests", "avg in-flight" })
        {
            Assert.Contains(row, table);
        }

        Assert.Contains("\"requestsPerSecond\"", json);
        Assert.Contains("\"latencyP99Ms\"", json);
        Assert.Contains("\"sloAttainment\"", json);
        Assert.DoesNotContain("\"gpuSeconds\"", json);
    }
}
