namespace Tandem.Runtime.Client;

/// <summary>
/// Client-side QPS/burst limit on every API request (client-go's token bucket). A small mechanism written here because
/// .NET's TokenBucketRateLimiter refills from the real clock even when driven by hand: a semaphore holds up to
/// <c>burst</c> tokens and a <see cref="TimeProvider"/> timer adds one every 1/qps seconds, so tests can drive time.
/// </summary>
public sealed class ClientRateLimitingHandler : DelegatingHandler
{
    private readonly SemaphoreSlim _tokens;
    private readonly int _burst;
    private readonly ITimer _refill;
    private readonly object _refillGate = new();

    public ClientRateLimitingHandler(double qps, int burst, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(qps);
        ArgumentOutOfRangeException.ThrowIfLessThan(burst, 1);
        _burst = burst;
        _tokens = new SemaphoreSlim(burst, burst);
        // Above 1000 qps refill every millisecond with several tokens.
        var period = qps <= 1000 ? TimeSpan.FromSeconds(1 / qps) : TimeSpan.FromMilliseconds(1);
        var perTick = qps <= 1000 ? 1 : (int)Math.Round(qps / 1000);
        _refill = (time ?? TimeProvider.System).CreateTimer(_ => Refill(perTick), null, period, period);
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        await _tokens.WaitAsync(cancellationToken).ConfigureAwait(false);
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _refill.Dispose();
            _tokens.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Refill(int tokens)
    {
        // Only refills release tokens; the lock keeps overlapping timer callbacks from releasing past the cap.
        lock (_refillGate)
        {
            var room = Math.Min(tokens, _burst - _tokens.CurrentCount);
            if (room > 0) _tokens.Release(room);
        }
    }
}
