using Grpc.Core;
using Polly;
using Polly.Retry;

namespace Tandem.Engines.Clients;

/// <summary>The Polly retry pipeline for control calls: exponential backoff with jitter on transient gRPC failures.</summary>
internal static class ControlRetry
{
    public static bool IsTransient(RpcException e) =>
        e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.ResourceExhausted or StatusCode.Aborted;

    public static ResiliencePipeline Create(ControlClientOptions options) => options.MaxRetries <= 0
        ? ResiliencePipeline.Empty
        : new ResiliencePipelineBuilder { TimeProvider = options.Time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<RpcException>(IsTransient),
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.BaseBackoff,
                MaxDelay = options.MaxBackoff,
            })
            .Build();

    /// <summary>The reconnect delay after <paramref name="failures"/> consecutive stream failures.</summary>
    public static TimeSpan Backoff(ControlClientOptions options, int failures)
    {
        var exponent = Math.Min(failures, 16);
        var delay = options.BaseBackoff.TotalMilliseconds * Math.Pow(2, exponent - 1);
        var jitter = 0.8 + Random.Shared.NextDouble() * 0.4;
        return TimeSpan.FromMilliseconds(Math.Min(delay, options.MaxBackoff.TotalMilliseconds) * jitter);
    }
}
