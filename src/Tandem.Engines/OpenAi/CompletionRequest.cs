using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tandem.Engines.OpenAi;

/// <summary>
/// The parts of an OpenAI <c>/v1/completions</c> or <c>/v1/chat/completions</c> request that Tandem uses, parsed from
/// the JSON body with errors that name the bad field. The original JSON is kept so a router can forward fields it
/// does not know (a chat request keeps its messages, so the engine applies the model's own chat template).
/// </summary>
public sealed record CompletionRequest
{
    public required JsonObject Json { get; init; }

    /// <summary>Which endpoint the request came to; every leg the router sends goes to the same one.</summary>
    public OpenAiEndpoint Endpoint { get; init; } = OpenAiEndpoint.Completions;

    /// <summary>The prompt as the engine sees it: the prompt string, or the messages through <see cref="ChatTemplate"/>.</summary>
    public required string Prompt { get; init; }
    public required int PromptTokens { get; init; }
    public required int MaxTokens { get; init; }
    public bool Stream { get; init; }
    public string? Model { get; init; }

    /// <summary><c>stream_options.include_usage</c>: a streamed answer ends with a chunk carrying <c>usage</c>.</summary>
    public bool IncludeUsage { get; init; }

    /// <summary>vLLM's disaggregation parameters, when present (do_remote_decode / do_remote_prefill ...).</summary>
    public JsonObject? KvTransferParams { get; init; }

    /// <summary>Default <c>max_tokens</c> when the request gives none (OpenAI's default).</summary>
    public const int DefaultMaxTokens = 16;

    /// <summary>Parses a <c>/v1/completions</c> <paramref name="body"/>; throws <see cref="OpenAiError"/> (400) naming the field on bad input.</summary>
    public static CompletionRequest Parse(ReadOnlySpan<byte> body) => Parse(body, OpenAiEndpoint.Completions);

    /// <summary>Parses a body sent to <paramref name="endpoint"/>; throws <see cref="OpenAiError"/> (400) naming the field on bad input.</summary>
    public static CompletionRequest Parse(ReadOnlySpan<byte> body, OpenAiEndpoint endpoint)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(body);
        }
        catch (JsonException e)
        {
            throw OpenAiError.BadRequest($"The body is not valid JSON: {e.Message}", null);
        }

        if (node is not JsonObject json)
        {
            throw OpenAiError.BadRequest("The body must be a JSON object.", null);
        }

        var chat = endpoint == OpenAiEndpoint.ChatCompletions;
        var prompt = chat ? ChatTemplate.Render(json["messages"]) : json["prompt"] switch
        {
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            JsonArray { Count: 1 } a when a[0] is JsonValue v && v.TryGetValue<string>(out var s) => s,
            null => throw OpenAiError.BadRequest("'prompt' is required.", "prompt"),
            _ => throw OpenAiError.BadRequest("'prompt' must be a string (or an array of one string).", "prompt"),
        };
        var tokens = OpenAi.PromptTokens.Count(prompt);
        if (tokens == 0)
        {
            throw OpenAiError.BadRequest("'prompt' must contain at least one token.", "prompt");
        }

        // Chat names the limit max_completion_tokens (max_tokens is its deprecated alias); it wins when both are set.
        var limitField = chat && IsSet(json["max_completion_tokens"]) ? "max_completion_tokens" : "max_tokens";
        var maxTokens = json[limitField] switch
        {
            null => DefaultMaxTokens,
            JsonValue v when v.TryGetValue<int>(out var n) && n >= 1 => n,
            JsonValue v when v.GetValueKind() == JsonValueKind.Null => DefaultMaxTokens,
            _ => throw OpenAiError.BadRequest($"'{limitField}' must be an integer >= 1.", limitField),
        };
        _ = json["n"] switch
        {
            null => 1,
            JsonValue v when v.GetValueKind() == JsonValueKind.Null => 1,
            JsonValue v when v.TryGetValue<int>(out var n) && n == 1 => 1,
            JsonValue v when v.TryGetValue<int>(out var n) && n > 1 => throw OpenAiError.BadRequest($"'n' must be 1: Tandem serves one choice per request (got {n}); send {n} requests instead.", "n"),
            _ => throw OpenAiError.BadRequest("'n' must be an integer >= 1.", "n"),
        };
        var stream = json["stream"] switch
        {
            null => false,
            JsonValue v when v.TryGetValue<bool>(out var b) => b,
            _ => throw OpenAiError.BadRequest("'stream' must be a boolean.", "stream"),
        };
        var model = json["model"] switch
        {
            null => null,
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            _ => throw OpenAiError.BadRequest("'model' must be a string.", "model"),
        };
        var kv = json["kv_transfer_params"] switch
        {
            null => null,
            JsonObject o => o,
            JsonValue v when v.GetValueKind() == JsonValueKind.Null => null,
            _ => throw OpenAiError.BadRequest("'kv_transfer_params' must be an object.", "kv_transfer_params"),
        };
        var includeUsage = json["stream_options"] switch
        {
            null => false,
            JsonValue v when v.GetValueKind() == JsonValueKind.Null => false,
            JsonObject _ when !stream => throw OpenAiError.BadRequest("'stream_options' is only allowed when 'stream' is true.", "stream_options"),
            JsonObject o => o["include_usage"] switch
            {
                null => false,
                JsonValue v when v.TryGetValue<bool>(out var b) => b,
                _ => throw OpenAiError.BadRequest("'stream_options.include_usage' must be a boolean.", "stream_options.include_usage"),
            },
            _ => throw OpenAiError.BadRequest("'stream_options' must be an object.", "stream_options"),
        };
        return new CompletionRequest
        {
            Json = json, Endpoint = endpoint, Prompt = prompt, PromptTokens = tokens, MaxTokens = maxTokens, Stream = stream, Model = model,
            IncludeUsage = includeUsage, KvTransferParams = kv,
        };
    }

    private static bool IsSet(JsonNode? node) => node is not null && node.GetValueKind() != JsonValueKind.Null;

    /// <summary>True when <paramref name="key"/> in kv_transfer_params is the boolean true.</summary>
    public bool KvFlag(string key) => KvTransferParams?[key] is JsonValue v && v.TryGetValue<bool>(out var b) && b;
}
