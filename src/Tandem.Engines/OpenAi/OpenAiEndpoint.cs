namespace Tandem.Engines.OpenAi;

/// <summary>The two OpenAI generation endpoints Tandem serves; a request keeps its endpoint through every leg.</summary>
public enum OpenAiEndpoint
{
    /// <summary><c>POST /v1/completions</c>: a prompt string, chunks carry <c>choices[].text</c>.</summary>
    Completions,

    /// <summary><c>POST /v1/chat/completions</c>: messages, chunks carry <c>choices[].delta.content</c>.</summary>
    ChatCompletions,
}

/// <summary>Paths and object names of <see cref="OpenAiEndpoint"/>.</summary>
public static class OpenAiEndpoints
{
    public const string CompletionsPath = "/v1/completions";
    public const string ChatCompletionsPath = "/v1/chat/completions";
    public const string ModelsPath = "/v1/models";

    public static string Path(this OpenAiEndpoint endpoint) => endpoint == OpenAiEndpoint.ChatCompletions ? ChatCompletionsPath : CompletionsPath;

    /// <summary>The <c>object</c> of a whole (non-streamed) answer.</summary>
    public static string ObjectName(this OpenAiEndpoint endpoint) => endpoint == OpenAiEndpoint.ChatCompletions ? "chat.completion" : "text_completion";

    /// <summary>The <c>object</c> of one streamed chunk (OpenAI names completion chunks <c>text_completion</c> too).</summary>
    public static string ChunkObjectName(this OpenAiEndpoint endpoint) => endpoint == OpenAiEndpoint.ChatCompletions ? "chat.completion.chunk" : "text_completion";

    /// <summary>A fresh response id with the prefix OpenAI and vLLM use for the endpoint.</summary>
    public static string NewId(this OpenAiEndpoint endpoint) =>
        (endpoint == OpenAiEndpoint.ChatCompletions ? "chatcmpl-" : "cmpl-") + Guid.NewGuid().ToString("N")[..16];
}
