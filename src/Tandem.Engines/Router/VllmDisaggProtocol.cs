using System.Text.Json.Nodes;

namespace Tandem.Engines.Router;

/// <summary>
/// The request bodies of vLLM's disaggregated-prefill proxy protocol, as vLLM's own proxy builds them
/// (tests/v1/kv_connector/nixl_integration/toy_proxy_server.py, vllm-project/vllm commit 030ea52e): the prefill leg asks
/// for remote decode with every NIXL key present (null until the prefill answers), one token, no streaming, and
/// without min_tokens / min_completion_tokens (vLLM refuses a minimum above the one-token maximum). The decode leg is
/// the client's request with the kv_transfer_params the prefill leg returned (RouterDispatcher builds it).
/// </summary>
public static class VllmDisaggProtocol
{
    /// <summary>The prefill leg's body for the client's <paramref name="request"/>.</summary>
    public static JsonObject PrefillLeg(JsonObject request)
    {
        var body = (JsonObject)request.DeepClone();
        body["kv_transfer_params"] = new JsonObject
        {
            ["do_remote_decode"] = true,
            ["do_remote_prefill"] = false,
            ["remote_engine_id"] = null,
            ["remote_block_ids"] = null,
            ["remote_host"] = null,
            ["remote_port"] = null,
        };
        body["stream"] = false;
        body["max_tokens"] = 1;
        if (body.ContainsKey("max_completion_tokens"))
        {
            body["max_completion_tokens"] = 1;
        }

        body.Remove("stream_options");
        body.Remove("min_tokens");
        body.Remove("min_completion_tokens");
        return body;
    }
}
