using System.Text.Json.Nodes;

namespace Tandem.Engines.OpenAi;

/// <summary>
/// The JSON an OpenAI-compatible server answers, for either endpoint: one streamed chunk, the closing usage chunk,
/// and the whole (non-streamed) answer. The mock engine and the router build their answers here, so both speak the
/// same shapes as OpenAI and vLLM.
/// </summary>
public static class CompletionBodies
{
    /// <summary>One streamed chunk carrying <paramref name="text"/>; the first chat chunk also names the assistant role.</summary>
    public static JsonObject Chunk(OpenAiEndpoint endpoint, string id, long created, string? model, string text, string? finishReason, bool first)
    {
        var choice = new JsonObject { ["index"] = 0 };
        if (endpoint == OpenAiEndpoint.ChatCompletions)
        {
            var delta = new JsonObject();
            if (first)
            {
                delta["role"] = "assistant";
            }

            delta["content"] = text;
            choice["delta"] = delta;
        }
        else
        {
            choice["text"] = text;
        }

        choice["logprobs"] = null;
        choice["finish_reason"] = finishReason;
        return Envelope(endpoint.ChunkObjectName(), id, created, model, new JsonArray(choice));
    }

    /// <summary>The last chunk of a stream with <c>include_usage</c>: no choices, only <c>usage</c>.</summary>
    public static JsonObject UsageChunk(OpenAiEndpoint endpoint, string id, long created, string? model, int promptTokens, int completionTokens)
    {
        var chunk = Envelope(endpoint.ChunkObjectName(), id, created, model, []);
        chunk["usage"] = Usage(promptTokens, completionTokens);
        return chunk;
    }

    /// <summary>A whole answer: <c>text_completion</c> with <c>choices[].text</c>, or <c>chat.completion</c> with <c>choices[].message</c>.</summary>
    public static JsonObject Whole(OpenAiEndpoint endpoint, string id, long created, string? model, string text, string finishReason, int promptTokens, int completionTokens)
    {
        var choice = new JsonObject { ["index"] = 0 };
        if (endpoint == OpenAiEndpoint.ChatCompletions)
        {
            choice["message"] = new JsonObject { ["role"] = "assistant", ["content"] = text };
        }
        else
        {
            choice["text"] = text;
        }

        choice["logprobs"] = null;
        choice["finish_reason"] = finishReason;
        var body = Envelope(endpoint.ObjectName(), id, created, model, new JsonArray(choice));
        body["usage"] = Usage(promptTokens, completionTokens);
        return body;
    }

    public static JsonObject Usage(int promptTokens, int completionTokens) => new()
    {
        ["prompt_tokens"] = promptTokens,
        ["completion_tokens"] = completionTokens,
        ["total_tokens"] = promptTokens + completionTokens,
    };

    /// <summary>The text a streamed chunk carries at <c>choices[0]</c> (<c>text</c>, or chat's <c>delta.content</c>); null when none.</summary>
    public static string? ChunkText(OpenAiEndpoint endpoint, JsonNode? chunk)
    {
        var choice = FirstChoice(chunk);
        var text = endpoint == OpenAiEndpoint.ChatCompletions ? choice?["delta"]?["content"] : choice?["text"];
        return text is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
    }

    /// <summary><c>choices[0].finish_reason</c> of a chunk, when set.</summary>
    public static string? FinishReason(JsonNode? chunk) =>
        FirstChoice(chunk)?["finish_reason"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static JsonObject? FirstChoice(JsonNode? chunk) => chunk?["choices"] is JsonArray { Count: > 0 } choices ? choices[0] as JsonObject : null;

    private static JsonObject Envelope(string objectName, string id, long created, string? model, JsonArray choices) => new()
    {
        ["id"] = id,
        ["object"] = objectName,
        ["created"] = created,
        ["model"] = model,
        ["choices"] = choices,
    };
}
