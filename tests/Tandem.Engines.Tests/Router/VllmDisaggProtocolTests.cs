using System.Text.Json.Nodes;
using Tandem.Engines.Router;

namespace Tandem.Engines.Tests.Router;

/// <summary>The router's prefill leg is the body vLLM's own disaggregated proxy sends.</summary>
public sealed class VllmDisaggProtocolTests
{
    [Fact]
    public void Prefill_leg_asks_for_remote_decode_of_one_unstreamed_token_as_vllms_proxy_does()
    {
        var client = JsonNode.Parse("""
            {"model": "m", "prompt": "hello", "max_tokens": 64, "max_completion_tokens": 64, "min_tokens": 8, "min_completion_tokens": 8,
             "stream": true, "stream_options": {"include_usage": true}, "temperature": 0.2}
            """)!.AsObject();

        var leg = VllmDisaggProtocol.PrefillLeg(client);

        Assert.Equal(
            """{"do_remote_decode":true,"do_remote_prefill":false,"remote_engine_id":null,"remote_block_ids":null,"remote_host":null,"remote_port":null}""",
            leg["kv_transfer_params"]!.ToJsonString());
        Assert.Equal((1, 1, false), (leg["max_tokens"]!.GetValue<int>(), leg["max_completion_tokens"]!.GetValue<int>(), leg["stream"]!.GetValue<bool>()));
        Assert.False(leg.ContainsKey("stream_options"));
        Assert.False(leg.ContainsKey("min_tokens"));
        Assert.False(leg.ContainsKey("min_completion_tokens"));
        Assert.Equal(0.2, leg["temperature"]!.GetValue<double>());
        // The client's request is untouched: the decode leg is built from it.
        Assert.Equal(8, client["min_tokens"]!.GetValue<int>());
    }
}
