using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Tandem.Engines.Mock;
using Tandem.Engines.OpenAi;

namespace Tandem.Engines.Router;

/// <summary>
/// Serves one <c>/v1/completions</c> or <c>/v1/chat/completions</c> request (every leg goes to the same endpoint) the way vLLM's disaggregated proxy does: queue until a prefill instance
/// is free to take it, run the prefill leg there (one token, returns <c>kv_transfer_params</c>), then stream the decode
/// leg from a decode instance that pulls the KV. An instance with both roles serves the whole request. When an instance
/// fails or leaves the membership mid-request, the rest of the request (remaining tokens) is dispatched again.
/// </summary>
internal sealed class RouterDispatcher(
    MembershipTable members,
    RouterLoadTracker load,
    InstanceSelector prefillSelector,
    InstanceSelector decodeSelector,
    HttpClient http,
    ModelCatalog models,
    RouterMetrics metrics,
    RouterOptions options,
    ILogger logger)
{
    public async Task HandleAsync(HttpContext context, OpenAiEndpoint endpoint)
    {
        var cancel = context.RequestAborted;
        CompletionRequest request;
        try
        {
            request = CompletionRequest.Parse(await MockCompletionEndpoint.ReadBodyAsync(context.Request, cancel).ConfigureAwait(false), endpoint);
            if (await models.CheckAsync(request.Model, cancel).ConfigureAwait(false) is { } unknown)
            {
                throw unknown;
            }
        }
        catch (OpenAiError error)
        {
            metrics.Answered(endpoint, RouterMetrics.OutcomeOf(error));
            await error.WriteAsync(context.Response, cancel).ConfigureAwait(false);
            return;
        }

        var output = new ClientResponse(context.Response, request, options.Time, metrics);
        var flight = new Flight(request, PromptTokens.Words(request.Prompt));
        load.Update(m =>
        {
            m.Queue(request.PromptTokens);
            m.Arrived(request.PromptTokens);
        });
        try
        {
            var deadline = options.Time.GetUtcNow() + options.QueueTimeout;
            for (var attempt = 1; !output.Finished; attempt++)
            {
                if (attempt > options.MaxAttempts)
                {
                    await output.FailAsync(new OpenAiError(502, "upstream_error", $"The request failed on {options.MaxAttempts} instances: {flight.LastFailure}"), cancel).ConfigureAwait(false);
                    return;
                }

                var result = await DispatchAsync(flight, output, deadline, cancel).ConfigureAwait(false);
                if (result is not null)
                {
                    await output.FailAsync(result, cancel).ConfigureAwait(false);
                    return;
                }
            }

            await output.CompleteAsync(cancel).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            // The client went away; nothing to answer.
            metrics.Answered(endpoint, RouterMetrics.Outcomes.Cancelled);
        }
        finally
        {
            if (!flight.Prefilled)
            {
                load.Update(m => m.Queue(-request.PromptTokens));
            }
        }
    }

    /// <summary>One dispatch of what is left of the request; null when it ran (fully or until an instance failed), else a final error.</summary>
    private async Task<OpenAiError?> DispatchAsync(Flight flight, ClientResponse output, DateTimeOffset deadline, CancellationToken cancel)
    {
        var remaining = flight.Request.MaxTokens - output.Tokens;
        var prefill = await WaitForAsync(m => m.TakesPrefill && !flight.Avoids(m, members.Version), prefillSelector, flight.Words, load.PromptTokensOn, deadline, cancel).ConfigureAwait(false);
        if (prefill is null)
        {
            return new OpenAiError(503, "service_unavailable", $"No prefill instance became available within {options.QueueTimeout.TotalSeconds:0.#} s.");
        }

        if (prefill.Role is null)
        {
            // A plain engine (both phases) serves the whole request.
            return await StreamAsync(prefill, Body(flight.Request, remaining, stream: true, kv: null), flight, output, countsAsPrefill: true, cancel).ConfigureAwait(false);
        }

        var kv = await PrefillAsync(prefill, flight, cancel).ConfigureAwait(false);
        if (kv is null)
        {
            return flight.ClientError;
        }

        var decode = await WaitForAsync(m => m.TakesDecode && !flight.Avoids(m, members.Version), decodeSelector, flight.Words, load.RequestsOn, deadline, cancel).ConfigureAwait(false);
        if (decode is null)
        {
            return new OpenAiError(503, "service_unavailable", $"No decode instance became available within {options.QueueTimeout.TotalSeconds:0.#} s.");
        }

        return await StreamAsync(decode, Body(flight.Request, remaining, stream: true, kv), flight, output, countsAsPrefill: false, cancel).ConfigureAwait(false);
    }

    private async Task<RouterMember?> WaitForAsync(Func<RouterMember, bool> takes, InstanceSelector selector, string[] words, Func<string, long> loadOf, DateTimeOffset deadline, CancellationToken cancel)
    {
        while (true)
        {
            var changed = members.Changed;
            var picked = selector.Pick(members.Members.Where(takes).ToArray(), words, loadOf);
            if (picked is not null)
            {
                return picked;
            }

            var left = deadline - options.Time.GetUtcNow();
            if (left <= TimeSpan.Zero)
            {
                return null;
            }

            load.Update(m => m.Waiting(1));
            try
            {
                await changed.WaitAsync(left, options.Time, cancel).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                return null;
            }
            finally
            {
                load.Update(m => m.Waiting(-1));
            }
        }
    }

    /// <summary>The prefill leg; the KV handoff parameters, or null after a failure (re-dispatch) or a client error.</summary>
    private async Task<JsonObject?> PrefillAsync(RouterMember instance, Flight flight, CancellationToken cancel)
    {
        using var silence = new CancellationTokenSource(options.EngineSilenceTimeout, options.Time);
        using var leg = CancellationTokenSource.CreateLinkedTokenSource(cancel, members.Lease(instance.Id, instance.Address), silence.Token);
        var tokens = flight.Request.PromptTokens;
        load.Update(m => m.Assign(instance.Id, 1, tokens));
        try
        {
            using var response = await PostAsync(instance, flight.Request, VllmDisaggProtocol.PrefillLeg(flight.Request.Json), leg.Token).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(leg.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                Fail(flight, instance, response.StatusCode, text);
                return null;
            }

            var kv = JsonNode.Parse(text)?["kv_transfer_params"] as JsonObject;
            if (kv is null)
            {
                flight.LastFailure = $"prefill instance {instance.Id} returned no kv_transfer_params";
                return null;
            }

            MarkPrefilled(flight);
            return (JsonObject)kv.DeepClone();
        }
        catch (Exception e) when (IsInstanceFailure(e, cancel))
        {
            Lost(flight, instance, e);
            return null;
        }
        finally
        {
            load.Update(m => m.Assign(instance.Id, -1, -tokens));
        }
    }

    /// <summary>Relays a streaming leg to the client; null when it finished or the instance failed (the caller re-dispatches).</summary>
    private async Task<OpenAiError?> StreamAsync(RouterMember instance, JsonObject body, Flight flight, ClientResponse output, bool countsAsPrefill, CancellationToken cancel)
    {
        // Restarted at every line: a stream may run long, but an engine may not stay silent long.
        using var silence = new CancellationTokenSource(options.EngineSilenceTimeout, options.Time);
        using var leg = CancellationTokenSource.CreateLinkedTokenSource(cancel, members.Lease(instance.Id, instance.Address), silence.Token);
        var promptTokens = countsAsPrefill && !flight.Prefilled ? flight.Request.PromptTokens : 0;
        load.Update(m => m.Assign(instance.Id, 1, promptTokens));
        try
        {
            using var response = await PostAsync(instance, flight.Request, body, leg.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                Fail(flight, instance, response.StatusCode, await response.Content.ReadAsStringAsync(leg.Token).ConfigureAwait(false));
                return flight.ClientError;
            }

            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(leg.Token).ConfigureAwait(false), Encoding.UTF8);
            while (await reader.ReadLineAsync(leg.Token).ConfigureAwait(false) is { } line)
            {
                silence.CancelAfter(options.EngineSilenceTimeout);
                if (!line.StartsWith("data:", StringComparison.Ordinal))
                {
                    continue;
                }

                var data = line[5..].Trim();
                if (data == "[DONE]")
                {
                    return null;
                }

                var chunk = JsonNode.Parse(data);
                output.Observe(chunk);
                var text = CompletionBodies.ChunkText(flight.Request.Endpoint, chunk) ?? "";
                var finish = CompletionBodies.FinishReason(chunk);
                if (text.Length > 0 && promptTokens > 0)
                {
                    MarkPrefilled(flight);
                    load.Update(m => m.Assign(instance.Id, 0, -promptTokens));
                    promptTokens = 0;
                }

                if (text.Length > 0 || finish is not null)
                {
                    await output.RelayAsync(text, finish, cancel).ConfigureAwait(false);
                }
            }

            flight.LastFailure = $"instance {instance.Id} ended its stream without [DONE]";
            return null;
        }
        catch (Exception e) when (IsInstanceFailure(e, cancel))
        {
            Lost(flight, instance, e);
            return null;
        }
        finally
        {
            load.Update(m => m.Assign(instance.Id, -1, -promptTokens));
        }
    }

    private Task<HttpResponseMessage> PostAsync(RouterMember instance, CompletionRequest request, JsonObject body, CancellationToken cancel) =>
        http.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"http://{instance.Address}{request.Endpoint.Path()}")
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        }, HttpCompletionOption.ResponseHeadersRead, cancel);

    private static JsonObject Body(CompletionRequest request, int maxTokens, bool stream, JsonObject? kv)
    {
        var body = (JsonObject)request.Json.DeepClone();
        body.Remove("max_completion_tokens");
        body["max_tokens"] = maxTokens;
        body["stream"] = stream;
        // Streamed legs always ask for usage: the engine's prompt_tokens (its tokenizer's count) goes into the usage
        // the client asked for. Engines refuse stream_options on a non-streamed leg.
        body.Remove("stream_options");
        if (stream)
        {
            body["stream_options"] = new JsonObject { ["include_usage"] = true };
        }

        body.Remove("kv_transfer_params");
        if (kv is not null)
        {
            body["kv_transfer_params"] = kv;
        }

        return body;
    }

    private void MarkPrefilled(Flight flight)
    {
        if (!flight.Prefilled)
        {
            flight.Prefilled = true;
            load.Update(m => m.Queue(-flight.Request.PromptTokens));
        }
    }

    /// <summary>A 4xx (other than 408/429) is the client's fault and ends the request; anything else is re-dispatched.</summary>
    private void Fail(Flight flight, RouterMember instance, HttpStatusCode status, string body)
    {
        var code = (int)status;
        var message = ErrorMessage(body);
        flight.LastFailure = $"instance {instance.Id} answered {code}: {message}";
        flight.Avoid(instance.Id, members.Version);
        if (code is >= 400 and < 500 and not 408 and not 429)
        {
            flight.ClientError = new OpenAiError(code, "invalid_request_error", message);
        }
        else
        {
            metrics.Retried();
            logger.LogInformation("Re-dispatching a request: instance {Instance} answered {Status}", instance.Id, code);
        }
    }

    private void Lost(Flight flight, RouterMember instance, Exception e)
    {
        flight.LastFailure = e is OperationCanceledException && !members.Lease(instance.Id, instance.Address).IsCancellationRequested
            ? $"instance {instance.Id} was silent for {options.EngineSilenceTimeout.TotalSeconds:0.#} s"
            : $"instance {instance.Id} failed: {e.Message}";
        flight.Avoid(instance.Id, members.Version);
        metrics.Retried();
        logger.LogInformation("Re-dispatching a request: instance {Instance} failed or left ({Reason})", instance.Id, e.Message);
    }

    private static bool IsInstanceFailure(Exception e, CancellationToken client) =>
        !client.IsCancellationRequested && e is HttpRequestException or IOException or OperationCanceledException or JsonException;

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

    private sealed class Flight(CompletionRequest request, string[] words)
    {
        public CompletionRequest Request { get; } = request;
        public string[] Words { get; } = words;
        public bool Prefilled { get; set; }
        public string LastFailure { get; set; } = "";

        // Instances that refused or failed this request, with the membership version then: a re-dispatch skips them
        // until the membership changes (e.g. an instance that went warm before the operator's update arrived).
        private readonly Dictionary<string, long> _avoid = new(StringComparer.Ordinal);

        public void Avoid(string id, long version) => _avoid[id] = version;

        public bool Avoids(RouterMember member, long version) => _avoid.TryGetValue(member.Id, out var at) && at == version;
        public OpenAiError? ClientError { get; set; }
    }
}
