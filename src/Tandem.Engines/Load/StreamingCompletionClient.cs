using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tandem.Engines.Load;

/// <summary>
/// Sends one streaming <c>/v1/completions</c> request and times every SSE chunk that carries text. Works against any
/// OpenAI-compatible server; a server that packs several tokens in one chunk is counted per chunk. The stream is judged
/// by its events (<see cref="CompletionStreamJudge"/>): one cut short is a failure marked <see cref="CompletionResult.Truncated"/>.
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
            // The closing usage chunk lets the client check that no token went missing.
            ["stream_options"] = new JsonObject { ["include_usage"] = true },
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
        var judge = new CompletionStreamJudge();
        var began = false;
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                var errorBody = await response.Content.ReadAsStringAsync(cancel).ConfigureAwait(false);
                return new CompletionResult(times, "", $"HTTP {(int)response.StatusCode}: {ErrorMessage(errorBody)}", (int)response.StatusCode);
            }

            began = true;
            using var stream = await response.Content.ReadAsStreamAsync(cancel).ConfigureAwait(false);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            while (!judge.Done && await reader.ReadLineAsync(cancel).ConfigureAwait(false) is { } line)
            {
                if (!line.StartsWith("data:", StringComparison.Ordinal))
                {
                    continue;
                }

                if (judge.Read(line[5..].Trim()) is { } piece)
                {
                    times.Add(clock());
                    text.Append(piece);
                }
            }

            var verdict = judge.Verdict();
            return new CompletionResult(times, text.ToString(), verdict, 200) { Truncated = verdict is not null, FinishReason = judge.FinishReason };
        }
        catch (CompletionStreamException e)
        {
            return new CompletionResult(times, text.ToString(), e.Message, 200) { Truncated = e.Truncated, FinishReason = judge.FinishReason };
        }
        catch (HttpRequestException e) when (began)
        {
            return new CompletionResult(times, text.ToString(), CompletionStreamJudge.TruncatedPrefix + $"the connection broke after {judge.Tokens} token(s): {e.Message}", 200) { Truncated = true };
        }
        catch (HttpRequestException e)
        {
            return new CompletionResult(times, text.ToString(), "connection failed: " + e.Message, 0);
        }
        catch (IOException e)
        {
            return new CompletionResult(times, text.ToString(), CompletionStreamJudge.TruncatedPrefix + $"the stream broke after {judge.Tokens} token(s): {e.Message}", 200) { Truncated = true };
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
