using Tandem.Engines.OpenAi;
using Tandem.Scaling.Workload;

namespace Tandem.Engines.Load;

/// <summary>
/// Replays a <see cref="LoadPlan"/> open-loop against an OpenAI-compatible endpoint: each request is sent at its
/// arrival time (or as soon as a concurrency slot frees), prompts have exactly the planned word count (Tandem's
/// token count) and <c>max_tokens</c> = the planned output with <c>ignore_eos</c>; every streamed token is timed.
/// </summary>
public sealed class LoadGenerator(HttpClient http)
{
    /// <summary>Runs the plan; outcomes carry times in seconds from the run's start, in plan order (unsent requests omitted).</summary>
    public async Task<IReadOnlyList<RequestOutcome>> RunAsync(LoadPlan plan, LoadOptions options, CancellationToken cancel = default)
    {
        if (options.Concurrency < 1)
        {
            throw new ArgumentException($"--concurrency: must be >= 1 (got {options.Concurrency}).");
        }

        var time = options.Time;
        var start = time.GetTimestamp();
        double Now() => time.GetElapsedTime(start).TotalSeconds;
        var client = new StreamingCompletionClient(http);
        using var slots = new SemaphoreSlim(options.Concurrency, options.Concurrency);
        var running = new List<Task<RequestOutcome>>();
        try
        {
            await SendAsync().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            // Let requests already sent release their slots before the semaphore goes away.
            await Task.WhenAny(Task.WhenAll(running)).ConfigureAwait(false);
            throw;
        }

        return await Task.WhenAll(running).ConfigureAwait(false);

        async Task SendAsync()
        {
        for (var i = 0; i < plan.Requests.Count; i++)
        {
            var planned = plan.Requests[i];
            if (options.Duration is { } duration && planned.ArrivalSeconds >= duration.TotalSeconds)
            {
                break;
            }

            var wait = planned.ArrivalSeconds - Now();
            if (wait > 0)
            {
                await Task.Delay(TimeSpan.FromSeconds(wait), time, cancel).ConfigureAwait(false);
            }

            await slots.WaitAsync(cancel).ConfigureAwait(false);
            var tag = "r" + i;
            running.Add(Task.Run(async () =>
            {
                try
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
                    timeout.CancelAfter(options.RequestTimeout);
                    var result = await client.StreamAsync(options.Url, PromptTokens.Build(planned.InputTokens, tag), planned.OutputTokens, Now, options.Model, timeout.Token).ConfigureAwait(false);
                    return result.Ok
                        ? new RequestOutcome(planned.ArrivalSeconds, planned.InputTokens, planned.OutputTokens, result.TokenTimes)
                        : RequestOutcome.Failure(planned.ArrivalSeconds, planned.InputTokens, planned.OutputTokens, result.Error!);
                }
                catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
                {
                    return RequestOutcome.Failure(planned.ArrivalSeconds, planned.InputTokens, planned.OutputTokens, $"timed out after {options.RequestTimeout}");
                }
                finally
                {
                    slots.Release();
                }
            }, CancellationToken.None));
        }
        }
    }
}
