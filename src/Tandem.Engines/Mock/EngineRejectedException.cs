namespace Tandem.Engines.Mock;

/// <summary>A request the mock engine will not run, with the HTTP status and OpenAI error type to answer with.</summary>
public sealed class EngineRejectedException(int statusCode, string errorType, string message, string? param = null) : Exception(message)
{
    public int StatusCode { get; } = statusCode;
    public string ErrorType { get; } = errorType;
    public string? Param { get; } = param;
}
