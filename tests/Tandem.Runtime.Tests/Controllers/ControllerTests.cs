using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Tandem.Runtime.Controllers;
using Tandem.Runtime.Metrics;
using Tandem.Runtime.Tests.Fakes;

namespace Tandem.Runtime.Tests.Controllers;

public sealed class ControllerTests : IAsyncDisposable
{
    private static readonly ReconcileRequest Key = new("ns", "chat");
    private readonly FakeTimeProvider _time = new();
    private readonly RuntimeMetrics _metrics = new(Prometheus.Metrics.NewCustomRegistry());
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<ReconcileRequest> _calls = new();
    private Task? _run;

    private Controller Start(Func<ReconcileRequest, CancellationToken, Task<ReconcileResult>> reconcile, int workers = 1)
    {
        var controller = new Controller("test", async (r, ct) =>
        {
            _calls.Enqueue(r);
            return await reconcile(r, ct);
        }, new ControllerSettings(workers, TimeSpan.FromSeconds(30)), _time, NullLogger.Instance, _metrics);
        _run = controller.RunAsync(_stop.Token);
        return controller;
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        if (_run is not null) await _run.WaitAsync(Eventually.DefaultDeadline);
        _stop.Dispose();
    }

    private double Total(string result) => _metrics.ReconcileTotal.WithLabels("test", result).Value;

    [Fact]
    public async Task A_successful_reconcile_runs_once_and_is_counted()
    {
        var controller = Start((_, _) => Task.FromResult(ReconcileResult.Done));
        controller.Enqueue(Key);

        await Eventually.TrueAsync(() => Total("success") == 1, "one success");
        Assert.Equal([Key], _calls);
        Assert.Equal(0, controller.Queue.NumRequeues(Key));
        Assert.Equal(1, _metrics.ReconcileTime.WithLabels("test").Count);
    }

    [Fact]
    public async Task A_failing_reconcile_is_retried_with_exponential_backoff_on_the_clock()
    {
        var failures = 2;
        var controller = Start((_, _) => Interlocked.Decrement(ref failures) >= 0
            ? throw new InvalidOperationException("boom")
            : Task.FromResult(ReconcileResult.Done));
        controller.Enqueue(Key);

        await Eventually.TrueAsync(() => Total("error") == 1, "first error");
        Assert.Equal(1, controller.Queue.DelayedCount);
        _time.Advance(TimeSpan.FromMilliseconds(5));
        await Eventually.TrueAsync(() => Total("error") == 2, "second error after 5 ms");
        _time.Advance(TimeSpan.FromMilliseconds(9));
        Assert.Equal(2, _calls.Count);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await Eventually.TrueAsync(() => Total("success") == 1, "success after 10 ms more");

        Assert.Equal(3, _calls.Count);
        Assert.Equal(2, _metrics.ReconcileErrors.WithLabels("test").Value);
        Assert.Equal(2, _metrics.QueueRetries.WithLabels("test").Value);
        Assert.Equal(0, controller.Queue.NumRequeues(Key));
    }

    [Fact]
    public async Task A_terminal_error_is_counted_and_not_retried()
    {
        var controller = Start((_, _) => throw new TerminalReconcileException("spec.scaling.prefill.min must be <= max"));
        controller.Enqueue(Key);

        await Eventually.TrueAsync(() => _metrics.TerminalReconcileErrors.WithLabels("test").Value == 1, "the terminal error");
        _time.Advance(TimeSpan.FromHours(1));
        Assert.Single(_calls);
        Assert.Equal(0, controller.Queue.DelayedCount);
    }

    [Fact]
    public async Task Requeue_after_runs_the_key_again_after_the_delay()
    {
        var controller = Start((_, _) => Task.FromResult(ReconcileResult.After(TimeSpan.FromSeconds(30))));
        controller.Enqueue(Key);

        await Eventually.TrueAsync(() => Total("requeue_after") == 1, "the first run");
        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.Single(_calls);
        _time.Advance(TimeSpan.FromSeconds(1));
        await Eventually.TrueAsync(() => _calls.Count == 2, "the timed rerun");
    }

    [Fact]
    public async Task A_conflict_requeues_with_backoff_like_any_error()
    {
        var first = true;
        var controller = Start((_, _) =>
        {
            if (!first) return Task.FromResult(ReconcileResult.Done);
            first = false;
            throw FakeResourceClient<k8s.Models.V1Pod>.Error(HttpStatusCode.Conflict);
        });
        controller.Enqueue(Key);

        await Eventually.TrueAsync(() => Total("error") == 1, "the conflict");
        _time.Advance(TimeSpan.FromMilliseconds(5));
        await Eventually.TrueAsync(() => Total("success") == 1, "the retry");
    }

    [Fact]
    public async Task An_object_deleted_mid_reconcile_is_retried_without_an_error_log()
    {
        var logger = new RecordingLogger<Controller>();
        var first = true;
        var controller = new Controller("test", (_, _) =>
        {
            _calls.Enqueue(Key);
            if (!first) return Task.FromResult(ReconcileResult.Done);
            first = false;
            throw FakeResourceClient<k8s.Models.V1Pod>.Error(HttpStatusCode.NotFound);
        }, new ControllerSettings(1, TimeSpan.FromSeconds(30)), _time, logger, _metrics);
        _run = controller.RunAsync(_stop.Token);
        controller.Enqueue(Key);

        await Eventually.TrueAsync(() => Total("error") == 1, "the NotFound race");
        _time.Advance(TimeSpan.FromMilliseconds(5));
        await Eventually.TrueAsync(() => Total("success") == 1, "the retry");

        Assert.DoesNotContain(logger.Entries, e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Warning);
        Assert.Contains(logger.Entries, e => e.Message.Contains("object gone mid-reconcile", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_same_key_never_runs_on_two_workers_at_once()
    {
        var running = 0;
        var maxRunning = 0;
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var controller = Start(async (_, _) =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref maxRunning, now);
            await release.Task;
            Interlocked.Decrement(ref running);
            return ReconcileResult.Done;
        }, workers: 4);

        controller.Enqueue(Key);
        await Eventually.TrueAsync(() => Volatile.Read(ref running) == 1, "the first run");
        controller.Enqueue(Key);
        controller.Enqueue(Key);
        controller.Enqueue(new ReconcileRequest("ns", "other"));
        await Eventually.TrueAsync(() => Volatile.Read(ref running) == 2, "the other key on another worker");
        release.SetResult();

        await Eventually.TrueAsync(() => Total("success") == 3, "the first run, its one rerun, and the other key");
        Assert.Equal(2, maxRunning);
        Assert.Equal(2, _calls.Count(c => c == Key));
    }

    [Fact]
    public async Task Stopping_drains_queued_and_in_flight_keys_before_returning()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var finished = new ConcurrentQueue<string>();
        var controller = Start(async (r, _) =>
        {
            await release.Task;
            finished.Enqueue(r.Name);
            return ReconcileResult.Done;
        });
        foreach (var name in new[] { "a", "b", "c" }) controller.Enqueue(new ReconcileRequest("ns", name));
        await Eventually.TrueAsync(() => _calls.Count == 1, "the first key in flight");

        _stop.Cancel();
        await Eventually.TrueAsync(() => controller.Queue.IsShuttingDown, "the queue to stop taking keys");
        Assert.False(_run!.IsCompleted);
        controller.Enqueue(new ReconcileRequest("ns", "after-stop"));
        release.SetResult();
        await _run.WaitAsync(Eventually.DefaultDeadline);

        Assert.Equal(["a", "b", "c"], finished);
    }

    [Fact]
    public async Task Reconciles_still_running_after_the_shutdown_timeout_are_cancelled()
    {
        var controller = Start(async (_, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return ReconcileResult.Done;
        });
        controller.Enqueue(Key);
        await Eventually.TrueAsync(() => _calls.Count == 1, "the stuck reconcile");

        _stop.Cancel();
        await Eventually.TrueAsync(() =>
        {
            _time.Advance(TimeSpan.FromSeconds(5));
            return _run!.IsCompleted;
        }, "the controller to give up after the 30 s graceful timeout");
        await _run!;
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
