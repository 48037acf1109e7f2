namespace Tandem.Engines.OpenAi;

/// <summary>
/// Tandem's emulated tokenizer: a prompt's token count is its number of whitespace-separated words. The mock engine,
/// the router's prefix tree and the load generator all count this way, so lengths agree end to end.
/// </summary>
public static class PromptTokens
{
    public static int Count(string prompt) => Words(prompt).Length;

    public static string[] Words(string prompt) => prompt.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);

    /// <summary>A prompt of exactly <paramref name="tokens"/> words; <paramref name="tag"/> (one word) starts it so prompts differ.</summary>
    public static string Build(int tokens, string? tag = null)
    {
        if (tokens <= 0)
        {
            return "";
        }

        var words = Enumerable.Repeat("hi", tokens).ToArray();
        if (tag is not null)
        {
            words[0] = tag;
        }

        return string.Join(' ', words);
    }
}
