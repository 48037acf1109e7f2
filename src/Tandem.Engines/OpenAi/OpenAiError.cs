using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Tandem.Engines.OpenAi;

/// <summary>The OpenAI error body <c>{"error": {"message", "type", "param", "code"}}</c>, written with its HTTP status.</summary>
public sealed class OpenAiError(int statusCode, string type, string message, string? param = null) : Exception(message)
{
    public int StatusCode { get; } = statusCode;
    public string Type { get; } = type;
    public string? Param { get; } = param;

    public static OpenAiError BadRequest(string message, string? param) => new(400, "invalid_request_error", message, param);

    /// <summary>404 for a model this server does not serve (vLLM's message and type; SDKs raise NotFoundError).</summary>
    public static OpenAiError ModelNotFound(string model) => new(404, "NotFoundError", $"The model `{model}` does not exist.", "model");

    public async Task WriteAsync(HttpResponse response, CancellationToken cancel)
    {
        response.StatusCode = StatusCode;
        response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(response.Body, Body(), cancellationToken: cancel).ConfigureAwait(false);
    }

    public object Body() => new { error = new { message = Message, type = Type, param = Param, code = (int?)StatusCode } };
}
