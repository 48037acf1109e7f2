using System.Threading.RateLimiting;

namespace Tandem.Runtime.Client;

/// <summary>
/// Client-side QPS/burst limit on every API request (client-go's token bucket), using .NET's
/// <see cref="TokenBucketRateLimiter"/> refilled from a <see cref="TimeProvider"/> timer so tests can drive time.
/// </summary>
public sealed class ClientRateLimitingHandler : DelegatingHandler
{
    private readonly TokenBucketRateLimiter _limiter;
    private readonly ITimer _refill;

    public ClientRateLimitingHandler(double qps, int burst, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(qps);
        ArgumentOutOfRangeException.ThrowIfLessThan(burst, 1);
        // One token every 1/qps seconds; above 1000 qps refill each millisecond with several tokens.
        var period = qps <= 1000 ? TimeSpan.FromSeconds(1 / qps) : TimeSpan.FromMilliseconds(1);
        var tokens = qps <= 1000 ? 1 : (int)Math.Round(qps / 1000);
        _limiter = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = burst,
            TokensPerPeriod = tokens,
            ReplenishmentPeriod = period,
            AutoReplenishment = false,
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
        _refill = (time ?? TimeProvider.System).CreateTimer(_ => _limiter.TryReplenish(), null, period, period);
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var lease = await _limiter.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _refill.Dispose();
            _limiter.Dispose();
        }

        base.Dispose(disposing);
    }
}
