using System.Net;
using System.Text;
using Tandem.Engines.Mock;
using Tandem.Engines.Router;
using Tandem.Scaling.Lifecycle;

namespace Tandem.Engines.Tests.Metrics;

/// <summary>The router's and the engine's /metrics, after real traffic, checked with promtool.</summary>
public sealed class ScrapeLintTests
{
    [Fact]
    public async Task Router_metrics_pass_promtool_and_count_requests_tokens_queue_and_membership()
    {
        await using var prefill = await MockEngineServer.StartAsync(TestProfiles.Engine(InstanceRole.Prefill));
        await using var decode = await MockEngineServer.StartAsync(TestProfiles.Engine(InstanceRole.Decode));
        await using var router = await RouterServer.StartAsync(new RouterOptions
        {
            HttpPort = 0,
            ControlPort = 0,
            StaticMembers = [new("p", prefill.HttpAddress, InstanceRole.Prefill, InstanceState.Active), new("d", decode.HttpAddress, InstanceRole.Decode, InstanceState.Active)],
        });
        using var http = new HttpClient { BaseAddress = router.HttpUri };
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync("/v1/completions", Json("""{"prompt":"a b c","max_tokens":3,"stream":true}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.PostAsync("/v1/chat/completions", Json("""{"messages":[]}"""))).StatusCode);

        var scrape = await http.GetStringAsync("/metrics");
        var (exit, problems) = await Promtool.CheckMetricsAsync(scrape);

        Assert.True(exit == 0 && problems.Length == 0, "promtool: " + string.Join("; ", problems));
        Assert.Contains("tandem_router_requests_total{endpoint=\"completions\",outcome=\"success\"} 1", scrape);
        Assert.Contains("tandem_router_requests_total{endpoint=\"chat_completions\",outcome=\"invalid_request\"} 1", scrape);
        Assert.Contains("tandem_router_requests_total{endpoint=\"completions\",outcome=\"upstream_error\"} 0", scrape);
        Assert.Contains("tandem_router_time_to_first_token_seconds_count{endpoint=\"completions\"} 1", scrape);
        Assert.Contains("tandem_router_inter_token_latency_seconds_count{endpoint=\"completions\"} 2", scrape);
        Assert.Contains("tandem_router_queued_prompt_tokens 0", scrape);
        Assert.Contains("tandem_router_queued_requests 0", scrape);
        Assert.Contains("tandem_router_retries_total 0", scrape);
        Assert.Contains("tandem_router_membership_version 0", scrape);
        Assert.DoesNotContain(":", scrape.Split('\n').Where(l => !l.StartsWith('#')).Select(l => l.Split('{', ' ')[0]).Aggregate("", (a, b) => a + b));
    }

    [Fact]
    public async Task Engine_metrics_pass_promtool_apart_from_the_colons_of_vllms_own_metric_names()
    {
        await using var engine = await MockEngineServer.StartAsync(TestProfiles.Engine());
        using var http = new HttpClient { BaseAddress = engine.HttpUri };
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync("/v1/completions", Json("""{"prompt":"a b c","max_tokens":3}"""))).StatusCode);

        var scrape = await http.GetStringAsync("/metrics");
        var (_, problems) = await Promtool.CheckMetricsAsync(scrape);

        // The mock serves vLLM's names (vllm:...) because the vllm adapter reads exactly those from real vLLM pods;
        // promtool's only objection may be their colon. Tandem's own engine metric follows Prometheus naming.
        Assert.All(problems, p => Assert.Matches("^vllm:[a-z_]+ metric names should not contain ':'$", p));
        Assert.Contains(MockEngineMetrics.QueuedPromptTokensName + "{", scrape);
        Assert.DoesNotContain("tandem:", scrape);
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
