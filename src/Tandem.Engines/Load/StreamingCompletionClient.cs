using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tandem.Engines.Load;

/// <summary>
/// Sends one streaming <c>/v1/completions</c> request and times every SSE chunk that carries text. Works against any
/// OpenAI-compatible server; a server that packs several tokens in one chunk is counted per chunk.
/// </summary>
public sealed class StreamingCompletionClient(HttpClient http)
{
    /// <summary>Streams a completion of <paramref name="prompt"/>; <paramref name="clock"/> stamps each chunk in seconds.</summary>
    public async Task<CompletionResult> StreamAsync(Uri baseUri, string prompt, int maxTokens, Func<double> clock, string? model = null, CancellationToken cancel = default)
    {
        var body = new JsonObject
        {
            ["prompt"] = prompt,
            ["max_tokens"] = maxTokens,
            ["stream"] = true,
            // Run to max_tokens so output lengths match the trace.
            ["ignore_eos"] = true,
        };
        if (model is not null)
        {
            body["model"] = model;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUri, "v1/completions"))
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        var times = new List<double>();
        var text = new StringBuilder();
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                var errorBody = await response.Content.ReadAsStringAsync(cancel).ConfigureAwait(false);
                return new CompletionResult(times, "", $"HTTP {(int)response.StatusCode}: {ErrorMessage(errorBody)}", (int)response.StatusCode);
            }

            using var stream = await response.Content.ReadAsStreamAsync(cancel).ConfigureAwait(false);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            while (await reader.ReadLineAsync(cancel).ConfigureAwait(false) is { } line)
            {
                if (!line.StartsWith("data:", StringComparison.Ordinal))
                {
                    continue;
                }

                var data = line[5..].Trim();
                if (data == "[DONE]")
                {
                    return new CompletionResult(times, text.ToString(), null, 200);
                }

                var chunk = JsonNode.Parse(data);
                if (chunk?["error"] is { } error)
                {
                    return new CompletionResult(times, text.ToString(), "stream error: " + (error["message"]?.ToString() ?? error.ToJsonString()), 200);
                }

                if (chunk?["choices"] is JsonArray { Count: > 0 } choices && choices[0]?["text"]?.GetValue<string>() is { Length: > 0 } piece)
                {
                    times.Add(clock());
                    text.Append(piece);
                }
            }

            return new CompletionResult(times, text.ToString(), "the stream ended without [DONE]", 200);
        }
        catch (HttpRequestException e)
        {
            return new CompletionResult(times, text.ToString(), "connection failed: " + e.Message, 0);
        }
        catch (JsonException e)
        {
            return new CompletionResult(times, text.ToString(), "bad SSE chunk: " + e.Message, 200);
        }
        catch (IOException e)
        {
            return new CompletionResult(times, text.ToString(), "stream broke: " + e.Message, 200);
        }
    }

    private static string ErrorMessage(string body)
    {
        try
        {
            return JsonNode.Parse(body)?["error"]?["message"]?.GetValue<string>() ?? body;
        }
        catch (JsonException)
        {
            return body;
        }
    }
}
