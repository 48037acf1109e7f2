using System.Diagnostics;
using Tandem.Engines.Load;
using Tandem.Engines.OpenAi;

namespace Tandem.Benchmarks.Reliability;

/// <summary>What the checking load saw in one scenario: requests sent, failed, and the failed ones cut short mid-stream.</summary>
internal sealed class LoadTally
{
    public int Requests;
    public int Failed;
    public int Truncated;
    public readonly List<string> Errors = [];
}

/// <summary>
/// A streaming load at a settable rate against the router, each answer judged by <see cref="CompletionStreamJudge"/>
/// (a stream cut short is failed and truncated). Requests are attributed to the scenario running when they were sent.
/// Bounded: at most <see cref="MaxInFlight"/> in flight, each with a timeout, and the loop stops when disposed.
/// </summary>
internal sealed class CheckingLoad : IAsyncDisposable
{
    private const int MaxInFlight = 64;
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(90);
    private readonly object _gate = new();
    private readonly Dictionary<string, LoadTally> _tallies = [];
    private readonly List<Task> _inFlight = [];
    private readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan };
    private readonly Func<CancellationToken, Task<Uri?>> _router;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _slots = new(MaxInFlight, MaxInFlight);
    private readonly int _inputTokens;
    private readonly int _outputTokens;
    private Task? _loop;
    private Uri? _url;
    private int _sent;

    public CheckingLoad(Func<CancellationToken, Task<Uri?>> router, int inputTokens, int outputTokens)
    {
        _router = router;
        _inputTokens = inputTokens;
        _outputTokens = outputTokens;
    }

    /// <summary>Requests per second sent now (0 pauses sending).</summary>
    public double Rate { get; set; }

    /// <summary>The scenario new requests count for.</summary>
    public string Scenario { get; set; } = "setup";

    public async Task StartAsync(CancellationToken cancel)
    {
        _url = await _router(cancel) ?? throw new InvalidOperationException("no ready router pod to send load to");
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>The tally of a scenario (a copy; complete once <see cref="DrainAsync"/> returned).</summary>
    public LoadTally Tally(string scenario)
    {
        lock (_gate)
        {
            return _tallies.TryGetValue(scenario, out var t) ? t : new LoadTally();
        }
    }

    /// <summary>Stops sending and waits for every request in flight to finish (each is bounded by its timeout).</summary>
    public async Task DrainAsync()
    {
        Rate = 0;
        Task[] pending;
        lock (_gate) pending = [.. _inFlight];
        await Task.WhenAll(pending);
    }

    private async Task LoopAsync()
    {
        var nextRouterLookup = Stopwatch.GetTimestamp();
        var due = Stopwatch.GetTimestamp();
        while (!_stop.IsCancellationRequested)
        {
            var rate = Rate;
            if (rate <= 0)
            {
                await Delay(TimeSpan.FromMilliseconds(50));
                due = Stopwatch.GetTimestamp();
                continue;
            }

            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > TimeSpan.Zero) await Delay(wait);
            due += (long)(Stopwatch.Frequency / rate);
            if (Stopwatch.GetTimestamp() > nextRouterLookup)
            {
                // A replaced router pod gets a new IP: look again now and then (a Service would do this in a cluster).
                nextRouterLookup = Stopwatch.GetTimestamp() + 5 * Stopwatch.Frequency;
                try
                {
                    _url = await _router(_stop.Token) ?? _url;
                }
                catch (Exception e) when (e is HttpRequestException or k8s.Autorest.HttpOperationException)
                {
                    // The API may be faulted on purpose: keep the last router.
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                {
                    return;
                }
            }

            try
            {
                await _slots.WaitAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var scenario = Scenario;
            var tag = "q" + Interlocked.Increment(ref _sent);
            var task = SendAsync(_url!, scenario, tag);
            lock (_gate)
            {
                _inFlight.RemoveAll(t => t.IsCompleted);
                _inFlight.Add(task);
            }
        }
    }

    private async Task SendAsync(Uri url, string scenario, string tag)
    {
        try
        {
            using var timeout = new CancellationTokenSource(RequestTimeout);
            CompletionResult result;
            try
            {
                result = await new StreamingCompletionClient(_http).StreamAsync(url, PromptTokens.Build(_inputTokens, tag), _outputTokens, () => 0, cancel: timeout.Token);
            }
            catch (OperationCanceledException)
            {
                result = new CompletionResult([], "", $"timed out after {RequestTimeout.TotalSeconds:F0} s", 0);
            }

            // ignore_eos: every answer must run to max_tokens.
            if (result.Ok && result.TokenTimes.Count != _outputTokens)
            {
                result = result with { Error = CompletionStreamJudge.TruncatedPrefix + $"{result.TokenTimes.Count} of {_outputTokens} tokens", Truncated = true };
            }

            lock (_gate)
            {
                if (!_tallies.TryGetValue(scenario, out var tally)) _tallies[scenario] = tally = new LoadTally();
                tally.Requests++;
                if (!result.Ok)
                {
                    tally.Failed++;
                    if (result.Truncated) tally.Truncated++;
                    if (tally.Errors.Count < 5) tally.Errors.Add(result.Error!);
                }
            }
        }
        finally
        {
            _slots.Release();
        }
    }

    private async Task Delay(TimeSpan wait)
    {
        try
        {
            await Task.Delay(wait, _stop.Token);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null) await _loop;
        await DrainAsync();
        _http.Dispose();
        _stop.Dispose();
    }
}
