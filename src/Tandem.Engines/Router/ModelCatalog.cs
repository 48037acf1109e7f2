using System.Text.Json.Nodes;
using Tandem.Engines.OpenAi;

namespace Tandem.Engines.Router;

/// <summary>
/// The models the router serves: whatever its engines list at <c>/v1/models</c> (the served model name is the engine's
/// fact, so the router keeps no copy of its own), asked once per membership version. The router answers
/// <c>/v1/models</c> from it and refuses a request for another model with 404, as vLLM does.
/// </summary>
internal sealed class ModelCatalog(MembershipTable members, HttpClient http, TimeProvider time)
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(2);
    private Entry? _entry;

    /// <summary>The <c>data</c> entries of the engines' <c>/v1/models</c>; empty when no engine answered (yet).</summary>
    public async Task<JsonArray> ModelsAsync(CancellationToken cancel)
    {
        var version = members.Version;
        var entry = Volatile.Read(ref _entry);
        if (entry is null || entry.Version != version || (entry.Models.IsCompleted && entry.Models.Result.Count == 0))
        {
            // Concurrent requests after a membership change share one round of questions.
            var fresh = new Entry(version, AskAsync());
            entry = Interlocked.CompareExchange(ref _entry, fresh, entry) == entry ? fresh : Volatile.Read(ref _entry)!;
        }

        return (JsonArray)(await entry.Models.WaitAsync(cancel).ConfigureAwait(false)).DeepClone();
    }

    /// <summary>404 when <paramref name="model"/> is set and the engines serve other models; null when it may go on.</summary>
    public async Task<OpenAiError?> CheckAsync(string? model, CancellationToken cancel)
    {
        if (model is null)
        {
            return null;
        }

        var models = await ModelsAsync(cancel).ConfigureAwait(false);
        // With no engine to ask the request waits in the queue as any other would; the engine judges it then.
        return models.Count == 0 || models.Any(m => m?["id"]?.ToString() == model) ? null : OpenAiError.ModelNotFound(model);
    }

    private async Task<JsonArray> AskAsync()
    {
        foreach (var member in members.Members.OrderBy(m => m.State == Scaling.Lifecycle.InstanceState.Active ? 0 : 1))
        {
            try
            {
                using var timeout = new CancellationTokenSource(AskTimeout, time);
                using var response = await http.GetAsync($"http://{member.Address}{OpenAiEndpoints.ModelsPath}", timeout.Token).ConfigureAwait(false);
                if (response.IsSuccessStatusCode
                    && JsonNode.Parse(await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false))?["data"] is JsonArray { Count: > 0 } data)
                {
                    return data;
                }
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException or System.Text.Json.JsonException)
            {
                // Not up yet or gone: ask the next one.
            }
        }

        return [];
    }

    private sealed record Entry(long Version, Task<JsonArray> Models);
}
