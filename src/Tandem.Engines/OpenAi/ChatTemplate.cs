using System.Text;
using System.Text.Json.Nodes;

namespace Tandem.Engines.OpenAi;

/// <summary>
/// Tandem's emulated chat template: each message becomes <c>&lt;|role|&gt; content</c>, and <c>&lt;|assistant|&gt;</c>
/// ends the prompt (the generation prompt). The mock engine renders chat requests with it; the router uses it only to
/// estimate a chat request's prompt tokens, since a real engine (vLLM) applies the model's own template.
/// </summary>
public static class ChatTemplate
{
    private static readonly HashSet<string> Roles = new(StringComparer.Ordinal) { "system", "developer", "user", "assistant", "tool" };

    /// <summary>Renders <c>messages</c>; throws <see cref="OpenAiError"/> (400) naming the bad message field.</summary>
    public static string Render(JsonNode? messages)
    {
        if (messages is not JsonArray list)
        {
            throw OpenAiError.BadRequest(messages is null ? "'messages' is required." : "'messages' must be an array of message objects.", "messages");
        }

        if (list.Count == 0)
        {
            throw OpenAiError.BadRequest("'messages' must contain at least one message.", "messages");
        }

        var prompt = new StringBuilder();
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] is not JsonObject message)
            {
                throw OpenAiError.BadRequest($"'messages[{i}]' must be an object.", $"messages[{i}]");
            }

            var role = message["role"] is JsonValue r && r.TryGetValue<string>(out var s) ? s : null;
            if (role is null || !Roles.Contains(role))
            {
                throw OpenAiError.BadRequest($"'messages[{i}].role' must be one of {string.Join(", ", Roles)}.", $"messages[{i}].role");
            }

            prompt.Append("<|").Append(role).Append("|> ").Append(Content(message["content"], i)).Append(' ');
        }

        return prompt.Append("<|assistant|>").ToString();
    }

    /// <summary>A message's text: a string, an array of <c>{"type": "text", "text"}</c> parts, or null (an assistant turn with tool calls).</summary>
    private static string Content(JsonNode? content, int index)
    {
        switch (content)
        {
            case null:
                return "";
            case JsonValue v when v.TryGetValue<string>(out var text):
                return text;
            case JsonArray parts:
                var joined = new StringBuilder();
                for (var p = 0; p < parts.Count; p++)
                {
                    if (parts[p] is not JsonObject part || part["type"]?.ToString() != "text" || part["text"] is not JsonValue t || !t.TryGetValue<string>(out var piece))
                    {
                        throw OpenAiError.BadRequest($"'messages[{index}].content[{p}]' must be a text part {{\"type\": \"text\", \"text\": string}}; this engine takes no other kind.", $"messages[{index}].content[{p}]");
                    }

                    joined.Append(piece).Append(' ');
                }

                return joined.ToString();
            default:
                throw OpenAiError.BadRequest($"'messages[{index}].content' must be a string or an array of text parts.", $"messages[{index}].content");
        }
    }
}
