using Tandem.Scaling.Lifecycle;

namespace Tandem.Engines.Contract;

/// <summary>
/// What the operator knows about one engine instance at one moment, whichever adapter produced it (the native
/// EngineControl status stream or the vllm metrics scrape). Fields an adapter cannot see are null.
/// </summary>
public sealed record EngineObservation
{
    /// <summary>host:port the observation came from.</summary>
    public required string Address { get; init; }

    public required DateTimeOffset ObservedAt { get; init; }

    /// <summary>Lifecycle state; null when the adapter cannot tell (vllm: a scrape that answers means Active).</summary>
    public InstanceState? State { get; init; }

    /// <summary>Role; null for an engine that serves both phases or when unknown.</summary>
    public InstanceRole? Role { get; init; }

    public long QueuedPromptTokens { get; init; }
    public long UsedKvBlocks { get; init; }
    public long TotalKvBlocks { get; init; }

    /// <summary>KV-cache occupancy 0..1.</summary>
    public double KvCacheUsage { get; init; }

    public long UnmigratedKvTokens { get; init; }
    public int RunningRequests { get; init; }
    public int WaitingRequests { get; init; }
    public bool WeightsLoaded { get; init; }
    public bool ServingAsWeightSource { get; init; }

    /// <summary>Mean time to first token over the adapter's window, when known (vllm histograms).</summary>
    public TimeSpan? MeanTtft { get; init; }

    /// <summary>Mean time per output token over the adapter's window, when known (vllm histograms).</summary>
    public TimeSpan? MeanTpot { get; init; }

    /// <summary>Which adapter produced this: <c>native</c> or <c>vllm</c>.</summary>
    public required string Source { get; init; }
}
