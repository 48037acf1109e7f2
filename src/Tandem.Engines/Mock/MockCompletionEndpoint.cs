using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Tandem.Engines.OpenAi;

namespace Tandem.Engines.Mock;

/// <summary>
/// The mock engine's OpenAI <c>/v1/completions</c> and <c>/v1/chat/completions</c>: runs the request's phase on the
/// <see cref="MockEngine"/> and answers with one JSON body or an SSE stream of one chunk per token. Token k's text is
/// <c>" tk"</c>; a chat request's prompt is its messages through <see cref="ChatTemplate"/>. A model other than the
/// served one gets 404, as vLLM answers.
/// </summary>
internal sealed class MockCompletionEndpoint(MockEngine engine, MockEngineMetrics metrics, string model, Func<string> selfAddress, TimeProvider time)
{
    public Task HandleCompletionsAsync(HttpContext context) => HandleAsync(context, OpenAiEndpoint.Completions);

    public Task HandleChatAsync(HttpContext context) => HandleAsync(context, OpenAiEndpoint.ChatCompletions);

    private async Task HandleAsync(HttpContext context, OpenAiEndpoint endpoint)
    {
        var cancel = context.RequestAborted;
        CompletionRequest request;
        try
        {
            request = CompletionRequest.Parse(await ReadBodyAsync(context.Request, cancel).ConfigureAwait(false), endpoint);
            if (request.Model is { } asked && asked != model)
            {
                throw OpenAiError.ModelNotFound(asked);
            }
        }
        catch (OpenAiError error)
        {
            await error.WriteAsync(context.Response, cancel).ConfigureAwait(false);
            return;
        }

        var phase = request.KvFlag("do_remote_prefill") ? CompletionPhase.DecodeOnly
            : request.KvFlag("do_remote_decode") ? CompletionPhase.PrefillOnly
            : CompletionPhase.Full;
        // vLLM's prefill leg answers exactly one token whatever max_tokens says.
        var maxTokens = phase == CompletionPhase.PrefillOnly ? 1 : request.MaxTokens;
        var id = endpoint.NewId();
        var created = time.GetUtcNow().ToUnixTimeSeconds();
        var started = time.GetTimestamp();
        var last = started;
        var produced = 0;
        var sse = request.Stream ? new SseWriter(context.Response) : null;
        var text = new System.Text.StringBuilder();
        try
        {
            await using var tokens = engine.RunAsync(phase, request.PromptTokens, maxTokens, cancel).GetAsyncEnumerator(cancel);
            // The first MoveNext admits the request: a rejection arrives before any byte is written.
            var more = await tokens.MoveNextAsync().ConfigureAwait(false);
            if (phase != CompletionPhase.DecodeOnly)
            {
                metrics.ObservePrompt(request.PromptTokens);
            }

            if (sse is not null)
            {
                await sse.StartAsync(cancel).ConfigureAwait(false);
            }

            while (more)
            {
                var now = time.GetTimestamp();
                if (produced == 0)
                {
                    metrics.ObserveFirstToken(time.GetElapsedTime(started, now));
                }
                else
                {
                    metrics.ObserveNextToken(time.GetElapsedTime(last, now));
                }

                last = now;
                var piece = " t" + tokens.Current;
                produced++;
                var finish = produced >= maxTokens ? "length" : null;
                await engine.Hang.WhileHungAsync(cancel).ConfigureAwait(false);
                if (sse is not null)
                {
                    await sse.WriteAsync(CompletionBodies.Chunk(endpoint, id, created, model, piece, finish, first: produced == 1), cancel).ConfigureAwait(false);
                }
                else
                {
                    text.Append(piece);
                }

                more = await tokens.MoveNextAsync().ConfigureAwait(false);
            }
        }
        catch (EngineRejectedException rejected) when (!context.Response.HasStarted)
        {
            await new OpenAiError(rejected.StatusCode, rejected.ErrorType, rejected.Message, rejected.Param).WriteAsync(context.Response, cancel).ConfigureAwait(false);
            return;
        }

        if (sse is not null)
        {
            if (request.IncludeUsage)
            {
                await sse.WriteAsync(CompletionBodies.UsageChunk(endpoint, id, created, model, request.PromptTokens, produced), cancel).ConfigureAwait(false);
            }

            await sse.DoneAsync(cancel).ConfigureAwait(false);
            return;
        }

        var body = CompletionBodies.Whole(endpoint, id, created, model, text.ToString(), "length", request.PromptTokens, produced);
        if (phase == CompletionPhase.PrefillOnly)
        {
            // What a decode instance needs to pull this request's KV (vLLM's NixlConnector returns the same keys).
            body["kv_transfer_params"] = new JsonObject
            {
                ["do_remote_prefill"] = true,
                ["do_remote_decode"] = false,
                ["remote_engine_id"] = selfAddress(),
                ["remote_host"] = selfAddress().Split(':')[0],
                ["remote_port"] = int.Parse(selfAddress().Split(':')[^1], System.Globalization.CultureInfo.InvariantCulture),
                ["remote_block_ids"] = new JsonArray(),
                ["remote_prompt_tokens"] = request.PromptTokens,
            };
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString(), cancel).ConfigureAwait(false);
    }

    internal static async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken cancel)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancel).ConfigureAwait(false);
        return buffer.ToArray();
    }
}
