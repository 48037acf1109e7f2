namespace Tandem.Engines.Load;

/// <summary>
/// One streamed completion as a client saw it: the time of each token-bearing SSE chunk (on the caller's clock,
/// seconds), the text, and the error when the request failed (HTTP status and OpenAI message).
/// </summary>
public sealed record CompletionResult(IReadOnlyList<double> TokenTimes, string Text, string? Error, int StatusCode)
{
    public bool Ok => Error is null;
}
