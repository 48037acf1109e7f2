using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using Tandem.Engines.Load;
using Tandem.Engines.Mock;
using Tandem.Engines.OpenAi;
using Tandem.Engines.Vllm;
using Tandem.Scaling.Lifecycle;

namespace Tandem.Engines.Tests.Vllm;

public sealed class VllmMetricsAdapterTests
{
    // Trimmed from a vLLM 0.6 server: the older gpu_cache_usage_perc and time_per_output_token_seconds names.
    private const string OlderVllm = """
        # HELP vllm:cache_config_info Information of the LLMEngine CacheConfig
        # TYPE vllm:cache_config_info gauge
        vllm:cache_config_info{block_size="16",cache_dtype="auto",num_gpu_blocks="2000"} 1.0
        # TYPE vllm:num_requests_running gauge
        vllm:num_requests_running{model_name="meta-llama/Llama-2-7b-hf"} 3.0
        vllm:num_requests_waiting{model_name="meta-llama/Llama-2-7b-hf"} 2.0
        vllm:gpu_cache_usage_perc{model_name="meta-llama/Llama-2-7b-hf"} 0.25
        vllm:time_to_first_token_seconds_bucket{le="0.1",model_name="meta-llama/Llama-2-7b-hf"} 1.0
        vllm:time_to_first_token_seconds_bucket{le="+Inf",model_name="meta-llama/Llama-2-7b-hf"} 4.0
        vllm:time_to_first_token_seconds_count{model_name="meta-llama/Llama-2-7b-hf"} 4.0
        vllm:time_to_first_token_seconds_sum{model_name="meta-llama/Llama-2-7b-hf"} 0.8
        vllm:time_per_output_token_seconds_count{model_name="meta-llama/Llama-2-7b-hf"} 100.0
        vllm:time_per_output_token_seconds_sum{model_name="meta-llama/Llama-2-7b-hf"} 2.5 1700000000000
        """;

    [Fact]
    public void Older_metric_names_map_to_the_observation()
    {
        var adapter = new VllmMetricsAdapter(new HttpClient());

        var observation = adapter.Observe("10.0.0.1:8000", PrometheusTextParser.Parse(OlderVllm));

        Assert.Equal("vllm", observation.Source);
        Assert.Equal(InstanceState.Active, observation.State);
        Assert.Equal(3, observation.RunningRequests);
        Assert.Equal(2, observation.WaitingRequests);
        Assert.Equal(0.25, observation.KvCacheUsage);
        Assert.Equal(2000, observation.TotalKvBlocks);
        Assert.Equal(500, observation.UsedKvBlocks);
        Assert.Equal(200, observation.MeanTtft!.Value.TotalMilliseconds, 6);
        Assert.Equal(25, observation.MeanTpot!.Value.TotalMilliseconds, 6);
    }

    [Fact]
    public void Latency_means_cover_only_the_interval_since_the_previous_scrape()
    {
        var adapter = new VllmMetricsAdapter(new HttpClient());
        adapter.Observe("a:1", PrometheusTextParser.Parse(OlderVllm));
        var later = OlderVllm.Replace("_count{model_name=\"meta-llama/Llama-2-7b-hf\"} 4.0", "_count{model_name=\"meta-llama/Llama-2-7b-hf\"} 6.0")
            .Replace("_sum{model_name=\"meta-llama/Llama-2-7b-hf\"} 0.8", "_sum{model_name=\"meta-llama/Llama-2-7b-hf\"} 1.8");

        var observation = adapter.Observe("a:1", PrometheusTextParser.Parse(later));

        Assert.Equal(500, observation.MeanTtft!.Value.TotalMilliseconds, 6);
        Assert.Null(observation.MeanTpot);
    }

    [Fact]
    public void Parser_unescapes_label_values_and_reads_special_values()
    {
        var samples = PrometheusTextParser.Parse("m{a=\"x\\\"y\",b=\"1\"} +Inf\n\n# comment\nn NaN\n");

        Assert.Equal("x\"y", samples[0].Labels["a"]);
        Assert.True(double.IsPositiveInfinity(samples[0].Value));
        Assert.True(double.IsNaN(samples[1].Value));
    }

    [Fact]
    public void Parser_names_the_line_of_a_malformed_sample()
    {
        var error = Assert.Throws<FormatException>(() => PrometheusTextParser.Parse("ok 1\nbad{a=\"1\" 2\n"));

        Assert.Contains("line 2", error.Message);
    }

    [Fact]
    public async Task Adapter_reads_the_mock_engines_metrics_while_a_request_runs_and_after_it()
    {
        // The engine runs on a fake clock: the request cannot finish between "it holds KV blocks" and the scrape,
        // however slow the machine (on the wall clock a 200 ms decode sometimes ended before the scrape arrived).
        var clock = new FakeTimeProvider();
        var slow = TestProfiles.Fast with { DecodeStepMillis = 5 };
        await using var engine = await MockEngineServer.StartAsync(TestProfiles.Engine(profile: slow, time: clock));
        using var http = new HttpClient();
        var adapter = new VllmMetricsAdapter(http);
        var wall = Stopwatch.StartNew();
        var request = new StreamingCompletionClient(http).StreamAsync(engine.HttpUri, PromptTokens.Build(640), 40, () => wall.Elapsed.TotalSeconds);
        await Eventually.TrueAsync(() => engine.Engine.Status().RunningRequests == 1, "the request is admitted");
        // Each poll moves the engine clock one step; decode stops at its next step until the clock moves again.
        await Eventually.TrueAsync(() => Advance(clock, TimeSpan.FromMilliseconds(1)) && engine.Engine.Status().UsedKvBlocks > 0, "the request holds KV blocks");

        var during = await adapter.ScrapeAsync(engine.HttpAddress);
        await Eventually.TrueAsync(() => Advance(clock, TimeSpan.FromMilliseconds(5)) && request.IsCompleted, "the request completes");
        Assert.True((await request).Ok);
        // A fresh adapter has no previous scrape, so its latency means cover the whole run.
        var after = await new VllmMetricsAdapter(http).ScrapeAsync(engine.HttpAddress);

        Assert.Equal(1, during.RunningRequests);
        Assert.True(during.KvCacheUsage > 0);
        Assert.Equal(0, after.RunningRequests);
        Assert.Equal(0, after.KvCacheUsage);
        Assert.NotNull(after.MeanTtft);
        Assert.NotNull(after.MeanTpot);
        Assert.True(after.MeanTpot!.Value > TimeSpan.Zero);
    }

    private static bool Advance(FakeTimeProvider clock, TimeSpan step)
    {
        clock.Advance(step);
        return true;
    }
}
