namespace Tandem.Engines.Load;

/// <summary>
/// One streamed completion as a client saw it: the time of each token-bearing SSE chunk (on the caller's clock,
/// seconds), the text, and the error when the request failed (HTTP status and OpenAI message).
/// </summary>
public sealed record CompletionResult(IReadOnlyList<double> TokenTimes, string Text, string? Error, int StatusCode)
{
    public bool Ok => Error is null;

    /// <summary>The answer began (HTTP 200) and was cut short: no <c>[DONE]</c>, no finish_reason, a bad chunk, or fewer tokens than its usage says.</summary>
    public bool Truncated { get; init; }

    /// <summary>The <c>finish_reason</c> the stream ended with, when it gave one.</summary>
    public string? FinishReason { get; init; }
}
