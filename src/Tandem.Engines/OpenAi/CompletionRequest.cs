using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tandem.Engines.OpenAi;

/// <summary>
/// The parts of an OpenAI <c>/v1/completions</c> request that Tandem uses, parsed from the JSON body with errors
/// that name the bad field. The original JSON is kept so a router can forward fields it does not know.
/// </summary>
public sealed record CompletionRequest
{
    public required JsonObject Json { get; init; }
    public required string Prompt { get; init; }
    public required int PromptTokens { get; init; }
    public required int MaxTokens { get; init; }
    public bool Stream { get; init; }
    public string? Model { get; init; }

    /// <summary>vLLM's disaggregation parameters, when present (do_remote_decode / do_remote_prefill ...).</summary>
    public JsonObject? KvTransferParams { get; init; }

    /// <summary>Default <c>max_tokens</c> when the request gives none (OpenAI's default).</summary>
    public const int DefaultMaxTokens = 16;

    /// <summary>Parses <paramref name="body"/>; throws <see cref="OpenAiError"/> (400) naming the field on bad input.</summary>
    public static CompletionRequest Parse(ReadOnlySpan<byte> body)
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

        var prompt = json["prompt"] switch
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

        var maxTokens = json["max_tokens"] switch
        {
            null => DefaultMaxTokens,
            JsonValue v when v.TryGetValue<int>(out var n) && n >= 1 => n,
            JsonValue v when v.GetValueKind() == JsonValueKind.Null => DefaultMaxTokens,
            _ => throw OpenAiError.BadRequest("'max_tokens' must be an integer >= 1.", "max_tokens"),
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
        return new CompletionRequest { Json = json, Prompt = prompt, PromptTokens = tokens, MaxTokens = maxTokens, Stream = stream, Model = model, KvTransferParams = kv };
    }

    /// <summary>True when <paramref name="key"/> in kv_transfer_params is the boolean true.</summary>
    public bool KvFlag(string key) => KvTransferParams?[key] is JsonValue v && v.TryGetValue<bool>(out var b) && b;
}
