using Microsoft.Extensions.Time.Testing;
using Tandem.Runtime.Queue;

namespace Tandem.Runtime.Tests.Queue;

public sealed class WorkQueueTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task Adding_a_key_twice_before_it_is_taken_hands_it_out_once()
    {
        var queue = new WorkQueue<string>(_time);
        queue.Add("a");
        queue.Add("a");
        queue.Add("b");

        Assert.Equal(2, queue.Count);
        Assert.Equal("a", (await queue.GetAsync()).Item);
        Assert.Equal("b", (await queue.GetAsync()).Item);
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public async Task A_key_added_while_processing_is_not_handed_out_again_until_done()
    {
        var queue = new WorkQueue<string>(_time);
        queue.Add("a");
        var (_, first) = await queue.GetAsync();

        queue.Add("a");
        Assert.Equal(0, queue.Count);
        var second = queue.GetAsync();
        Assert.False(second.IsCompleted);

        queue.Done(first);
        var (ok, again) = await second.WaitAsync(Deadline);
        Assert.True(ok);
        Assert.Equal("a", again);
    }

    [Fact]
    public async Task A_waiting_getter_wakes_when_a_key_is_added()
    {
        var queue = new WorkQueue<string>(_time);
        var get = queue.GetAsync();
        Assert.False(get.IsCompleted);

        queue.Add("x");

        Assert.Equal("x", (await get.WaitAsync(Deadline)).Item);
    }

    [Fact]
    public async Task Rate_limited_adds_back_off_exponentially_from_five_milliseconds()
    {
        var queue = new WorkQueue<string>(_time);
        var expected = new[] { 5, 10, 20, 40 };
        foreach (var ms in expected)
        {
            queue.AddRateLimited("k");
            _time.Advance(TimeSpan.FromMilliseconds(ms - 1));
            Assert.Equal(0, queue.Count);
            _time.Advance(TimeSpan.FromMilliseconds(1));
            Assert.Equal(1, queue.Count);
            var (_, key) = await queue.GetAsync();
            queue.Done(key);
        }

        Assert.Equal(4, queue.NumRequeues("k"));
    }

    [Fact]
    public async Task Forget_resets_a_keys_backoff_to_the_base_delay()
    {
        var queue = new WorkQueue<string>(_time);
        queue.AddRateLimited("k");
        queue.AddRateLimited("k");
        _time.Advance(TimeSpan.FromMilliseconds(10));
        queue.Done((await queue.GetAsync()).Item);

        queue.Forget("k");
        queue.AddRateLimited("k");
        _time.Advance(TimeSpan.FromMilliseconds(5));

        Assert.Equal(1, queue.Count);
        Assert.Equal(1, queue.NumRequeues("k"));
    }

    [Fact]
    public void Add_after_keeps_the_earliest_pending_time_for_a_key()
    {
        var queue = new WorkQueue<string>(_time);
        queue.AddAfter("k", TimeSpan.FromSeconds(10));
        queue.AddAfter("k", TimeSpan.FromSeconds(2));
        queue.AddAfter("k", TimeSpan.FromSeconds(30));
        Assert.Equal(1, queue.DelayedCount);

        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(1, queue.Count);
        Assert.Equal(0, queue.DelayedCount);

        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(1, queue.Count);
    }

    [Fact]
    public void Add_after_a_zero_delay_adds_at_once()
    {
        var queue = new WorkQueue<string>(_time);
        queue.AddAfter("k", TimeSpan.Zero);
        Assert.Equal(1, queue.Count);
    }

    [Fact]
    public async Task After_shutdown_queued_keys_are_still_handed_out_then_get_reports_shutdown()
    {
        var queue = new WorkQueue<string>(_time);
        queue.Add("a");
        queue.AddAfter("late", TimeSpan.FromSeconds(1));
        queue.ShutDown();
        queue.Add("ignored");
        _time.Advance(TimeSpan.FromSeconds(5));

        var (ok, item) = await queue.GetAsync();
        Assert.True(ok);
        Assert.Equal("a", item);
        var (more, _) = await queue.GetAsync();
        Assert.False(more);
    }

    [Fact]
    public async Task Shutdown_releases_waiting_getters()
    {
        var queue = new WorkQueue<string>(_time);
        var get = queue.GetAsync();

        queue.ShutDown();

        Assert.False((await get.WaitAsync(Deadline)).Ok);
    }

    [Fact]
    public async Task Shutdown_with_drain_waits_for_in_flight_keys_to_finish()
    {
        var queue = new WorkQueue<string>(_time);
        queue.Add("a");
        var (_, item) = await queue.GetAsync();

        var drained = queue.ShutDownWithDrainAsync();
        Assert.False(drained.IsCompleted);

        queue.Done(item);
        await drained.WaitAsync(Deadline);
    }

    [Fact]
    public async Task Cancelling_a_get_leaves_the_queue_usable()
    {
        var queue = new WorkQueue<string>(_time);
        using var cts = new CancellationTokenSource();
        var get = queue.GetAsync(cts.Token);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => get);

        queue.Add("a");
        Assert.Equal("a", (await queue.GetAsync().WaitAsync(Deadline)).Item);
    }

    [Fact]
    public async Task Metrics_see_depth_wait_time_and_retries()
    {
        var metrics = new RecordingMetrics();
        var queue = new WorkQueue<string>(_time, metrics: metrics);
        queue.Add("a");
        _time.Advance(TimeSpan.FromSeconds(3));
        var (_, item) = await queue.GetAsync();
        queue.AddRateLimited(item);

        Assert.Equal([1, 0], metrics.Depths);
        Assert.Equal([TimeSpan.FromSeconds(3)], metrics.Waits);
        Assert.Equal(1, metrics.Retries);
    }

    private sealed class RecordingMetrics : IWorkQueueMetrics
    {
        public List<int> Depths { get; } = [];
        public List<TimeSpan> Waits { get; } = [];
        public int Retries { get; private set; }
        public void DepthChanged(int depth) => Depths.Add(depth);
        public void ItemWaited(TimeSpan queued) => Waits.Add(queued);
        public void Retried() => Retries++;
    }
}
