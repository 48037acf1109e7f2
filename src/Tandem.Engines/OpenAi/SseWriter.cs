using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Tandem.Engines.OpenAi;

/// <summary>Writes Server-Sent Events the way OpenAI-compatible servers stream: <c>data: JSON</c> lines, then <c>data: [DONE]</c>.</summary>
public sealed class SseWriter(HttpResponse response)
{
    private static readonly byte[] Done = "data: [DONE]\n\n"u8.ToArray();

    public async Task StartAsync(CancellationToken cancel)
    {
        response.StatusCode = 200;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        await response.StartAsync(cancel).ConfigureAwait(false);
    }

    public async Task WriteAsync(object payload, CancellationToken cancel)
    {
        var json = JsonSerializer.Serialize(payload);
        await WriteRawAsync(json, cancel).ConfigureAwait(false);
    }

    /// <summary>Writes one event whose data is <paramref name="json"/> as is (a router relays engine chunks this way).</summary>
    public async Task WriteRawAsync(string json, CancellationToken cancel)
    {
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes("data: " + json + "\n\n"), cancel).ConfigureAwait(false);
        await response.Body.FlushAsync(cancel).ConfigureAwait(false);
    }

    public async Task DoneAsync(CancellationToken cancel)
    {
        await response.Body.WriteAsync(Done, cancel).ConfigureAwait(false);
        await response.Body.FlushAsync(cancel).ConfigureAwait(false);
    }
}
