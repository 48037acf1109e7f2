using System.Text.Json.Nodes;

namespace Tandem.Engines.Load;

/// <summary>
/// Judges one streamed completion by its events, not by whether <c>[DONE]</c> arrived: a stream is complete only when
/// every chunk parsed, a <c>finish_reason</c> came, <c>[DONE]</c> closed it, and the tokens received match the
/// server's <c>usage.completion_tokens</c> when it sends one. One token-bearing chunk counts as one token, as the mock,
/// the router and vLLM (without speculative decoding) stream.
/// </summary>
public sealed class CompletionStreamJudge
{
    /// <summary>How every verdict on a stream cut short begins (so a log or a table can tell truncated from refused).</summary>
    public const string TruncatedPrefix = "truncated: ";

    /// <summary>Tokens (text-bearing chunks) received so far.</summary>
    public int Tokens { get; private set; }

    /// <summary>The last <c>finish_reason</c> seen, if any.</summary>
    public string? FinishReason { get; private set; }

    /// <summary><c>usage.completion_tokens</c> when the server sent usage.</summary>
    public int? UsageCompletionTokens { get; private set; }

    /// <summary>True once <c>data: [DONE]</c> arrived.</summary>
    public bool Done { get; private set; }

    /// <summary>Reads one SSE <c>data:</c> payload; returns the text it carries (null when none) or throws <see cref="CompletionStreamException"/> for an error or a bad chunk.</summary>
    public string? Read(string data)
    {
        if (Done)
        {
            throw new CompletionStreamException(TruncatedPrefix + $"data after [DONE] ({Tokens} token(s) received)", truncated: true);
        }

        if (data == "[DONE]")
        {
            Done = true;
            return null;
        }

        JsonNode? chunk;
        try
        {
            chunk = JsonNode.Parse(data);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new CompletionStreamException(TruncatedPrefix + $"bad SSE chunk after {Tokens} token(s): {e.Message}", truncated: true);
        }

        if (chunk?["error"] is { } error)
        {
            throw new CompletionStreamException((Tokens > 0 ? TruncatedPrefix : "") + "stream error: " + (error["message"]?.ToString() ?? error.ToJsonString()), truncated: Tokens > 0);
        }

        if (chunk?["usage"] is JsonObject usage && usage["completion_tokens"] is JsonValue completion && completion.TryGetValue<int>(out var reported))
        {
            UsageCompletionTokens = reported;
        }

        if (chunk?["choices"] is not JsonArray { Count: > 0 } choices || choices[0] is not JsonObject choice)
        {
            return null;
        }

        if (choice["finish_reason"] is JsonValue finish && finish.TryGetValue<string>(out var reason))
        {
            FinishReason = reason;
        }

        var piece = choice["text"] ?? choice["delta"]?["content"];
        if (piece is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0)
        {
            Tokens++;
            return text;
        }

        return null;
    }

    /// <summary>Null when the stream was complete; otherwise why it was cut short (said as "truncated: ...").</summary>
    public string? Verdict()
    {
        if (!Done)
        {
            return TruncatedPrefix + $"the stream ended after {Tokens} token(s) without [DONE]" + (FinishReason is null ? " or a finish_reason" : "");
        }

        if (FinishReason is null)
        {
            return TruncatedPrefix + $"[DONE] after {Tokens} token(s) but no finish_reason";
        }

        if (UsageCompletionTokens is { } expected && expected != Tokens)
        {
            return TruncatedPrefix + $"received {Tokens} token(s), usage.completion_tokens says {expected}";
        }

        return null;
    }
}

/// <summary>A streamed completion that failed part-way: an in-stream error or an unreadable chunk.</summary>
public sealed class CompletionStreamException(string message, bool truncated) : Exception(message)
{
    /// <summary>True when the answer had begun (a 200 stream) and was cut short, as opposed to refused.</summary>
    public bool Truncated { get; } = truncated;
}
