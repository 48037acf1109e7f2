using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Tandem.Engines.OpenAi;

namespace Tandem.Engines.Router;

/// <summary>
/// The router's answer to its client, the same whichever instances served it: one stream of chunks under one id
/// (streaming), or one body built from the relayed text (non-streaming), in the shape of the request's endpoint;
/// usage at the end when asked (<c>stream_options.include_usage</c>); errors in the OpenAI shape.
/// </summary>
internal sealed class ClientResponse(HttpResponse response, CompletionRequest request, TimeProvider time, RouterMetrics metrics)
{
    private readonly long _arrived = time.GetTimestamp();
    private long _lastToken;
    private readonly SseWriter? _sse = request.Stream ? new SseWriter(response) : null;
    private readonly StringBuilder _text = new();
    private readonly string _id = request.Endpoint.NewId();
    private readonly long _created = time.GetUtcNow().ToUnixTimeSeconds();
    private string? _model = request.Model;
    private int? _enginePromptTokens;
    private bool _started;

    /// <summary>Tokens relayed so far (one per text-bearing chunk).</summary>
    public int Tokens { get; private set; }

    /// <summary>The finish reason an engine gave (<c>stop</c> at end of sequence, <c>length</c> at the limit); null while running.</summary>
    public string? FinishReason { get; private set; }

    /// <summary>Nothing more to generate: an engine finished the sequence or the request's token limit is reached.</summary>
    public bool Finished => FinishReason is not null || Tokens >= request.MaxTokens;

    /// <summary>Takes what the router needs from an engine chunk that carries no text for the client (model, usage).</summary>
    public void Observe(JsonNode? chunk)
    {
        if (_model is null && chunk?["model"] is JsonValue m && m.TryGetValue<string>(out var model))
        {
            _model = model;
        }

        // The engine's tokenizer knows the true prompt length; the router's word count is only an estimate.
        if (chunk?["usage"]?["prompt_tokens"] is JsonValue p && p.TryGetValue<int>(out var prompt))
        {
            _enginePromptTokens = prompt;
        }
    }

    /// <summary>Relays one generated piece (possibly empty when it only carries the finish reason).</summary>
    public async Task RelayAsync(string text, string? finishReason, CancellationToken cancel)
    {
        var first = !_started;
        if (text.Length > 0)
        {
            Tokens++;
            var now = time.GetTimestamp();
            if (Tokens == 1)
            {
                metrics.FirstToken(request.Endpoint, time.GetElapsedTime(_arrived, now));
            }
            else
            {
                metrics.NextToken(request.Endpoint, time.GetElapsedTime(_lastToken, now));
            }

            _lastToken = now;
        }

        FinishReason = finishReason ?? FinishReason;
        if (_sse is null)
        {
            _started = true;
            _text.Append(text);
            return;
        }

        if (!_started)
        {
            _started = true;
            await _sse.StartAsync(cancel).ConfigureAwait(false);
        }

        await _sse.WriteAsync(CompletionBodies.Chunk(request.Endpoint, _id, _created, _model, text, finishReason, first), cancel).ConfigureAwait(false);
    }

    public async Task CompleteAsync(CancellationToken cancel)
    {
        metrics.Answered(request.Endpoint, RouterMetrics.Outcomes.Success);
        var promptTokens = _enginePromptTokens ?? request.PromptTokens;
        if (_sse is not null)
        {
            if (!_started)
            {
                _started = true;
                await _sse.StartAsync(cancel).ConfigureAwait(false);
            }

            if (request.IncludeUsage)
            {
                await _sse.WriteAsync(CompletionBodies.UsageChunk(request.Endpoint, _id, _created, _model, promptTokens, Tokens), cancel).ConfigureAwait(false);
            }

            await _sse.DoneAsync(cancel).ConfigureAwait(false);
            return;
        }

        var body = CompletionBodies.Whole(request.Endpoint, _id, _created, _model, _text.ToString(), FinishReason ?? "length", promptTokens, Tokens);
        response.ContentType = "application/json";
        await response.WriteAsync(body.ToJsonString(), cancel).ConfigureAwait(false);
    }

    /// <summary>Reports a failure: an error body before anything was streamed, else an SSE error event and [DONE].</summary>
    public async Task FailAsync(OpenAiError error, CancellationToken cancel)
    {
        metrics.Answered(request.Endpoint, RouterMetrics.OutcomeOf(error));
        if (_sse is null || !_started)
        {
            await error.WriteAsync(response, cancel).ConfigureAwait(false);
            return;
        }

        await _sse.WriteAsync(error.Body(), cancel).ConfigureAwait(false);
        await _sse.DoneAsync(cancel).ConfigureAwait(false);
    }
}
