using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Tandem.Benchmarks.Reliability;

/// <summary>Drives the emulator's fault injection over HTTP (<c>/_emulator/faults</c>), as a process outside the emulator would.</summary>
internal sealed class FaultClient(Uri api) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = api, Timeout = TimeSpan.FromSeconds(30) };

    public async Task AddAsync(object rule, CancellationToken cancel)
    {
        using var response = await _http.PostAsJsonAsync("/_emulator/faults", rule, cancel);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException("fault rule refused: " + await response.Content.ReadAsStringAsync(cancel));
    }

    /// <summary>Requests the rules in force have hit, summed.</summary>
    public async Task<int> FiredAsync(CancellationToken cancel)
    {
        var state = await _http.GetFromJsonAsync<JsonObject>("/_emulator/faults", cancel);
        return state!["rules"]!.AsArray().Sum(r => r!["fired"]!.GetValue<int>());
    }

    public Task ClearAsync(CancellationToken cancel) => SendAsync(HttpMethod.Delete, "/_emulator/faults", cancel);

    public Task DropWatchesAsync(CancellationToken cancel) => SendAsync(HttpMethod.Post, "/_emulator/faults/drop-watches", cancel);

    public Task CompactAsync(CancellationToken cancel) => SendAsync(HttpMethod.Post, "/_emulator/faults/compact", cancel);

    private async Task SendAsync(HttpMethod method, string path, CancellationToken cancel)
    {
        using var response = await _http.SendAsync(new HttpRequestMessage(method, path), cancel);
        response.EnsureSuccessStatusCode();
    }

    public void Dispose() => _http.Dispose();
}
