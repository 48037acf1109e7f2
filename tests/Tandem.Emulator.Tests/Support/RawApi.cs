using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Tandem.Emulator.Tests.Support;

/// <summary>Plain HTTP calls against the emulator, for wire-level assertions (status codes, Status bodies, watch lines).</summary>
public sealed class RawApi(Uri baseUrl) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(60) };

    public async Task<(int Code, JsonNode? Body)> Send(HttpMethod method, string path, JsonNode? body = null, string contentType = "application/json", string? accept = null, string? rawBody = null)
    {
        using var req = new HttpRequestMessage(method, path);
        if (body is not null || rawBody is not null)
        {
            req.Content = new StringContent(rawBody ?? body!.ToJsonString(), Encoding.UTF8);
            req.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }
        if (accept is not null) req.Headers.TryAddWithoutValidation("Accept", accept);
        using var resp = await _http.SendAsync(req);
        var text = await resp.Content.ReadAsStringAsync();
        return ((int)resp.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    public Task<(int Code, JsonNode? Body)> Get(string path, string? accept = null) => Send(HttpMethod.Get, path, accept: accept);
    public Task<(int Code, JsonNode? Body)> Post(string path, JsonNode body) => Send(HttpMethod.Post, path, body);
    public Task<(int Code, JsonNode? Body)> Put(string path, JsonNode body) => Send(HttpMethod.Put, path, body);
    public Task<(int Code, JsonNode? Body)> Delete(string path, JsonNode? body = null) => Send(HttpMethod.Delete, path, body);
    public Task<(int Code, JsonNode? Body)> Patch(string path, JsonNode body, string contentType) => Send(HttpMethod.Patch, path, body, contentType);

    /// <summary>Opens a watch and returns a reader of its event lines.</summary>
    public async Task<WatchReader> Watch(string path, string? accept = null)
    {
        var req = new HttpRequestMessage(HttpMethod.Get, path);
        if (accept is not null) req.Headers.TryAddWithoutValidation("Accept", accept);
        var resp = await _http.SendAsync(req, HttpCompletionOption.ResponseHeadersRead);
        return new WatchReader(resp, new StreamReader(await resp.Content.ReadAsStreamAsync()));
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>Reads watch events line by line with a deadline per event.</summary>
public sealed class WatchReader(HttpResponseMessage response, StreamReader reader) : IDisposable
{
    public int StatusCode => (int)response.StatusCode;

    /// <summary>The next event, or null when the server closed the stream.</summary>
    public async Task<JsonObject?> Next(int seconds = 30)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        var line = await reader.ReadLineAsync(cts.Token);
        return line is null ? null : JsonNode.Parse(line)!.AsObject();
    }

    /// <summary>Reads events until one matches; fails when the stream ends first.</summary>
    public async Task<JsonObject> NextMatching(Func<JsonObject, bool> match, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var left = (int)Math.Max(1, (deadline - DateTime.UtcNow).TotalSeconds);
            var e = await Next(left) ?? throw new InvalidOperationException("the watch ended before the expected event");
            if (match(e)) return e;
        }
    }

    public void Dispose()
    {
        reader.Dispose();
        response.Dispose();
    }
}
