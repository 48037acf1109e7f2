using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Tandem.Engines.Load;
using Tandem.Engines.Mock;
using Tandem.Engines.OpenAi;

namespace Tandem.Engines.Tests.Mock;

public sealed class MockEngineServingTests
{
    [Fact]
    public async Task Streaming_completion_yields_max_tokens_chunks_then_done()
    {
        await using var engine = await MockEngineServer.StartAsync(TestProfiles.Engine());
        using var http = new HttpClient();
        var clock = Stopwatch.StartNew();

        var result = await new StreamingCompletionClient(http).StreamAsync(engine.HttpUri, PromptTokens.Build(100), 12, () => clock.Elapsed.TotalSeconds);

        Assert.True(result.Ok, result.Error);
        Assert.Equal(12, result.TokenTimes.Count);
        Assert.Equal(string.Concat(Enumerable.Range(0, 12).Select(i => " t" + i)), result.Text);
    }

    [Fact]
    public async Task Non_streaming_completion_returns_usage_with_word_count_as_prompt_tokens()
    {
        await using var engine = await MockEngineServer.StartAsync(TestProfiles.Engine());
        using var http = new HttpClient();

        var response = await http.PostAsync(new Uri(engine.HttpUri, "v1/completions"), Json("""{"prompt":"one two  three\nfour","max_tokens":3}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(4, body["usage"]!["prompt_tokens"]!.GetValue<int>());
        Assert.Equal(3, body["usage"]!["completion_tokens"]!.GetValue<int>());
        Assert.Equal(" t0 t1 t2", body["choices"]![0]!["text"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"max_tokens":3}""", "prompt")]
    [InlineData("""{"prompt":"a b","max_tokens":0}""", "max_tokens")]
    [InlineData("""{"prompt":"a b","max_tokens":"x"}""", "max_tokens")]
    [InlineData("""{"prompt":"a b","stream":"yes"}""", "stream")]
    [InlineData("""{"prompt":"a b","max_tokens":5000}""", "max_tokens")]
    public async Task Bad_request_gets_openai_error_naming_the_field(string json, string param)
    {
        await using var engine = await MockEngineServer.StartAsync(TestProfiles.Engine());
        using var http = new HttpClient();

        var response = await http.PostAsync(new Uri(engine.HttpUri, "v1/completions"), Json(json));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
        Assert.Equal("invalid_request_error", error["type"]!.GetValue<string>());
        Assert.Equal(param, error["param"]!.GetValue<string>());
        Assert.Contains(param, error["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Body_that_is_not_json_gets_openai_error()
    {
        await using var engine = await MockEngineServer.StartAsync(TestProfiles.Engine());
        using var http = new HttpClient();

        var response = await http.PostAsync(new Uri(engine.HttpUri, "v1/completions"), Json("{not json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("not valid JSON", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Standby_engine_answers_503_service_unavailable()
    {
        await using var engine = await MockEngineServer.StartAsync(TestProfiles.Engine(standby: true));
        using var http = new HttpClient();

        var response = await http.PostAsync(new Uri(engine.HttpUri, "v1/completions"), Json("""{"prompt":"a b","max_tokens":2}"""));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("standby", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Prefill_leg_returns_one_token_and_kv_transfer_params_that_a_decode_engine_accepts()
    {
        await using var prefill = await MockEngineServer.StartAsync(TestProfiles.Engine(Scaling.Lifecycle.InstanceRole.Prefill));
        await using var decode = await MockEngineServer.StartAsync(TestProfiles.Engine(Scaling.Lifecycle.InstanceRole.Decode));
        using var http = new HttpClient();

        var first = await http.PostAsync(new Uri(prefill.HttpUri, "v1/completions"),
            Json("""{"prompt":"a b c d","max_tokens":9,"kv_transfer_params":{"do_remote_decode":true}}"""));
        var prefillBody = JsonNode.Parse(await first.Content.ReadAsStringAsync())!;
        var kv = prefillBody["kv_transfer_params"]!;
        var second = await http.PostAsync(new Uri(decode.HttpUri, "v1/completions"),
            Json(new JsonObject { ["prompt"] = "a b c d", ["max_tokens"] = 9, ["kv_transfer_params"] = kv.DeepClone() }.ToJsonString()));
        var decodeBody = JsonNode.Parse(await second.Content.ReadAsStringAsync())!;

        Assert.Equal(1, prefillBody["usage"]!["completion_tokens"]!.GetValue<int>());
        Assert.True(kv["do_remote_prefill"]!.GetValue<bool>());
        Assert.Equal(prefill.HttpAddress, kv["remote_engine_id"]!.GetValue<string>());
        Assert.Equal(9, decodeBody["usage"]!["completion_tokens"]!.GetValue<int>());
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
