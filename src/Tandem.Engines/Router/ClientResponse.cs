using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Tandem.Engines.OpenAi;

namespace Tandem.Engines.Router;

/// <summary>
/// The router's answer to its client, the same whichever instances served it: SSE chunks relayed as the engines send
/// them (streaming), or one JSON body built from the relayed text (non-streaming); errors in the OpenAI shape.
/// </summary>
internal sealed class ClientResponse(HttpResponse response, CompletionRequest request, TimeProvider time)
{
    private readonly SseWriter? _sse = request.Stream ? new SseWriter(response) : null;
    private readonly System.Text.StringBuilder _text = new();
    private bool _started;

    /// <summary>Tokens relayed so far (one per text-bearing chunk).</summary>
    public int Tokens { get; private set; }

    public async Task RelayAsync(string chunkJson, string text, CancellationToken cancel)
    {
        Tokens++;
        if (_sse is null)
        {
            _text.Append(text);
            return;
        }

        if (!_started)
        {
            _started = true;
            await _sse.StartAsync(cancel).ConfigureAwait(false);
        }

        await _sse.WriteRawAsync(chunkJson, cancel).ConfigureAwait(false);
    }

    public async Task CompleteAsync(CancellationToken cancel)
    {
        if (_sse is not null)
        {
            if (!_started)
            {
                await _sse.StartAsync(cancel).ConfigureAwait(false);
            }

            await _sse.DoneAsync(cancel).ConfigureAwait(false);
            return;
        }

        var body = new JsonObject
        {
            ["id"] = "cmpl-" + Guid.NewGuid().ToString("N")[..16],
            ["object"] = "text_completion",
            ["created"] = time.GetUtcNow().ToUnixTimeSeconds(),
            ["model"] = request.Model,
            ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["text"] = _text.ToString(), ["logprobs"] = null, ["finish_reason"] = "length" }),
            ["usage"] = new JsonObject { ["prompt_tokens"] = request.PromptTokens, ["completion_tokens"] = Tokens, ["total_tokens"] = request.PromptTokens + Tokens },
        };
        response.ContentType = "application/json";
        await response.WriteAsync(body.ToJsonString(), cancel).ConfigureAwait(false);
    }

    /// <summary>Reports a failure: an error body before anything was sent, else an SSE error event and [DONE].</summary>
    public async Task FailAsync(OpenAiError error, CancellationToken cancel)
    {
        if (!_started)
        {
            await error.WriteAsync(response, cancel).ConfigureAwait(false);
            return;
        }

        await _sse!.WriteAsync(error.Body(), cancel).ConfigureAwait(false);
        await _sse.DoneAsync(cancel).ConfigureAwait(false);
    }
}
