using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Tandem.Engines.Mock;
using Tandem.Engines.Mock.Vllm;

namespace Tandem.Engines.Tests.Vllm;

/// <summary>The mock's vLLM personality answers as vLLM's source says its server does.</summary>
public sealed class VllmMockServerTests
{
    internal static MockEngineProfile Profile { get; } = TestProfiles.Fast with
    {
        LoadFromHostCache = TimeSpan.FromMilliseconds(50),
        LoadFromStorage = TimeSpan.FromMilliseconds(150),
    };

    internal static Task<VllmMockServer> StartAsync(bool devMode = true, MockEngineProfile? profile = null) =>
        VllmMockServer.StartAsync(IPAddress.Loopback, 0, profile ?? Profile, "test-model", devMode);

    [Fact]
    public async Task Sleep_endpoints_exist_only_in_dev_mode_and_a_missing_route_answers_fastapis_not_found()
    {
        await using var server = await StartAsync(devMode: false);
        using var http = new HttpClient { BaseAddress = new Uri("http://" + server.Address) };

        using var sleep = await http.PostAsync("/sleep?level=1", null);
        using var health = await http.GetAsync("/health");

        Assert.Equal(HttpStatusCode.NotFound, sleep.StatusCode);
        Assert.Equal("Not Found", JsonNode.Parse(await sleep.Content.ReadAsStringAsync())!["detail"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/is_sleeping")).StatusCode);
    }

    [Fact]
    public async Task A_sleeping_engine_answers_health_and_is_sleeping_but_serves_no_completion_until_it_wakes()
    {
        await using var server = await StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri("http://" + server.Address) };
        Assert.False(await IsSleepingAsync(http));

        using var sleep = await http.PostAsync("/sleep?level=1", null);
        Assert.Equal(HttpStatusCode.OK, sleep.StatusCode);
        Assert.Equal("", await sleep.Content.ReadAsStringAsync());
        Assert.True(await IsSleepingAsync(http));
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health")).StatusCode);
        using var refused = await CompleteAsync(http, new JsonObject { ["model"] = "test-model", ["prompt"] = "hi", ["max_tokens"] = 2 });
        Assert.False(refused.IsSuccessStatusCode);
        Assert.NotNull(JsonNode.Parse(await refused.Content.ReadAsStringAsync())!["error"]!["message"]);

        using var wake = await http.PostAsync("/wake_up", null);
        Assert.Equal(HttpStatusCode.OK, wake.StatusCode);
        Assert.False(await IsSleepingAsync(http));
        using var served = await CompleteAsync(http, new JsonObject { ["model"] = "test-model", ["prompt"] = "hi", ["max_tokens"] = 2 });
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
    }

    [Fact]
    public async Task Metrics_carry_vllms_names_and_types_and_nothing_vllm_lacks()
    {
        await using var server = await StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri("http://" + server.Address) };
        (await CompleteAsync(http, new JsonObject { ["model"] = "test-model", ["prompt"] = "one two three", ["max_tokens"] = 3 })).EnsureSuccessStatusCode();

        var text = await http.GetStringAsync("/metrics");

        foreach (var line in new[]
                 {
                     "# TYPE vllm:num_requests_running gauge", "# TYPE vllm:num_requests_waiting gauge", "# TYPE vllm:kv_cache_usage_perc gauge",
                     "# TYPE vllm:prompt_tokens_total counter", "# TYPE vllm:generation_tokens_total counter",
                     "# TYPE vllm:time_to_first_token_seconds histogram", "# TYPE vllm:inter_token_latency_seconds histogram",
                     "vllm:cache_config_info{block_size=\"64\",model_name=\"test-model\",num_gpu_blocks=\"1000\"} 1.0",
                 })
        {
            Assert.Contains(line, text);
        }

        Assert.DoesNotContain("tandem:", text);
    }

    [Fact]
    public async Task Prefill_leg_returns_kv_transfer_params_that_the_decode_leg_consumes()
    {
        await using var prefill = await StartAsync();
        await using var decode = await StartAsync();
        using var http = new HttpClient();

        // The proxy's first leg (toy_proxy_server.py): remote decode, one token, not streamed.
        using var first = await CompleteAsync(http, new JsonObject
        {
            ["model"] = "test-model", ["prompt"] = "a b c d", ["max_tokens"] = 1, ["stream"] = false,
            ["kv_transfer_params"] = new JsonObject { ["do_remote_decode"] = true, ["do_remote_prefill"] = false, ["remote_engine_id"] = null, ["remote_block_ids"] = null, ["remote_host"] = null, ["remote_port"] = null },
        }, prefill.Address);
        var kv = JsonNode.Parse(await first.Content.ReadAsStringAsync())!["kv_transfer_params"]!;
        using var second = await CompleteAsync(http, new JsonObject { ["model"] = "test-model", ["prompt"] = "a b c d", ["max_tokens"] = 5, ["kv_transfer_params"] = kv.DeepClone() }, decode.Address);

        Assert.True(kv["do_remote_prefill"]!.GetValue<bool>());
        Assert.False(kv["do_remote_decode"]!.GetValue<bool>());
        Assert.Equal(prefill.Address, $"{kv["remote_host"]}:{kv["remote_port"]}");
        var answer = JsonNode.Parse(await second.Content.ReadAsStringAsync())!;
        Assert.Equal(5, answer["usage"]!["completion_tokens"]!.GetValue<int>());
        Assert.Equal(0, decode.Engine.Status().QueuedPromptTokens);
    }

    internal static async Task<bool> IsSleepingAsync(HttpClient http, string? address = null) =>
        (await http.GetFromJsonAsync<JsonObject>(address is null ? new Uri("/is_sleeping", UriKind.Relative) : new Uri($"http://{address}/is_sleeping")))!["is_sleeping"]!.GetValue<bool>();

    internal static Task<HttpResponseMessage> CompleteAsync(HttpClient http, JsonObject body, string? address = null) =>
        http.PostAsJsonAsync(address is null ? new Uri("/v1/completions", UriKind.Relative) : new Uri($"http://{address}/v1/completions"), body);
}
