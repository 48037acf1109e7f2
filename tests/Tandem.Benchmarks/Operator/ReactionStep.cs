using Tandem.Engines.Load;

namespace Tandem.Benchmarks.Operator;

/// <summary>One measured load step: milliseconds from the first request sent to each milestone.</summary>
internal sealed record ReactionSample(
    int Repetition,
    double FirstActionMs,
    double? FirstActivateMs,
    double ServingMs,
    string ActionPath,
    string ActionNote,
    string ServingPod,
    string? ServingRole,
    bool PathMatched);

/// <summary>
/// Sends a load step at the router and times the operator's reaction: the first scale-up Event (its eventTime, stamped
/// by the operator right after the action), the first Activate Event, and the first pod that turns
/// <c>serving.tandem.dev/state=active</c> and was not active before the step (seen on the pod watch). The load stops
/// as soon as the new instance serves, so every step is bounded.
/// </summary>
internal sealed class ReactionStep(ClusterRecorder recorder, HttpClient http, Uri router)
{
    /// <summary>12 requests/s of 600 prompt tokens is 7200 prompt tokens/s: above one prefill instance (4000/s), within two.</summary>
    private static readonly LoadPlan Plan = LoadPlan.FixedRate(rate: 12, count: 12 * 90, inputTokens: 600, outputTokens: 32, seed: 11);

    private static readonly TimeSpan ServingDeadline = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan EventDeadline = TimeSpan.FromSeconds(15);

    public async Task<ReactionSample> RunAsync(int repetition, string expectedPath, CancellationToken cancel)
    {
        var activeBefore = recorder.Pods.Where(p => p.State == "active").Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        using var stopLoad = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var step = DateTime.UtcNow;
        var load = Task.Run(() => new LoadGenerator(http).RunAsync(Plan, new LoadOptions { Url = router, Concurrency = 256 }, stopLoad.Token), CancellationToken.None);
        try
        {
            var serving = await PollAsync(() => recorder.SightingsSince(step).FirstOrDefault(s => s.State == "active" && !activeBefore.Contains(s.Name)),
                ServingDeadline, "a new instance serving", load, cancel).ConfigureAwait(false);
            var action = await PollAsync(() => recorder.EventsSince(step).FirstOrDefault(e => ReactionPaths.Of(e) != ReactionPaths.Other),
                EventDeadline, "a scale-up Event", load, cancel).ConfigureAwait(false);
            var activate = recorder.EventsSince(step).FirstOrDefault(ReactionPaths.IsActivate);
            var path = ReactionPaths.Of(action);
            return new ReactionSample(
                repetition,
                Ms(action.At - step),
                activate is null ? null : Ms(activate.At - step),
                Ms(serving.At - step),
                path,
                action.Note,
                serving.Name,
                serving.Role,
                path == expectedPath);
        }
        finally
        {
            await stopLoad.CancelAsync().ConfigureAwait(false);
            try
            {
                await load.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The step is over; requests still in flight were abandoned on purpose.
            }
        }
    }

    private static double Ms(TimeSpan span) => Math.Round(span.TotalMilliseconds, 1);

    private static async Task<T> PollAsync<T>(Func<T?> probe, TimeSpan deadline, string what, Task load, CancellationToken cancel)
        where T : class
    {
        var until = DateTime.UtcNow + deadline;
        while (true)
        {
            if (probe() is { } found)
            {
                return found;
            }

            if (load.IsFaulted)
            {
                throw new InvalidOperationException($"the load generator failed before {what}: {load.Exception?.GetBaseException().Message}");
            }

            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"{what} did not happen within {deadline.TotalSeconds:F0} s of the load step");
            }

            // Only reads the recorder's memory: the times come from the watches, not from this poll.
            await Task.Delay(TimeSpan.FromMilliseconds(20), cancel).ConfigureAwait(false);
        }
    }
}
