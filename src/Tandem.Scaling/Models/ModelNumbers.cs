using Tandem.Scaling.Workload;

namespace Tandem.Scaling.Models;

/// <summary>
/// How fast one instance of a model runs and how long it takes to bring up: the numbers the policies and the
/// simulator reason with (a ModelProfile's throughput, KV and load-time fields).
/// </summary>
public sealed record ModelNumbers
{
    /// <summary>The model's name, e.g. <c>llama3-8b</c>.</summary>
    public required string Name { get; init; }

    /// <summary>R: prompt tokens one instance prefills per second (<c>tokens_prefilled_per_sec</c>).</summary>
    public required double PrefillTokensPerSecond { get; init; }

    /// <summary>T: KV tokens one decode instance receives per second (<c>tokens_transferred_per_sec</c>).</summary>
    public required double TransferTokensPerSecond { get; init; }

    /// <summary>M: KV-cache blocks per instance (<c>num_available_blocks</c>).</summary>
    public required int KvBlocksPerInstance { get; init; }

    /// <summary>Tokens per KV block (64).</summary>
    public int KvBlockTokens { get; init; } = 64;

    /// <summary>GPUs one instance holds (its tensor-parallel size).</summary>
    public int GpusPerInstance { get; init; } = 1;

    public int NumHiddenLayers { get; init; } = 32;

    /// <summary>Weight load time from storage (a standby instance without fast-load or host cache).</summary>
    public TimeSpan LoadFromStorage { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Weight load time from the host's memory cache (host-cache).</summary>
    public TimeSpan LoadFromHostCache { get; init; } = TimeSpan.FromSeconds(1.5);

    /// <summary>Weight load time from a running peer over RDMA/NVLink (fast-load).</summary>
    public TimeSpan LoadFromPeer { get; init; } = TimeSpan.FromSeconds(1.5);

    /// <summary>A new pod's time to a standby engine: scheduling, image pull, process start.</summary>
    public TimeSpan ColdStart { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Fixed cost of one prefill batch, on top of tokens / R.</summary>
    public TimeSpan PrefillOverhead { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Most prompt tokens one prefill batch takes (a longer prompt runs alone).</summary>
    public int MaxBatchTokens { get; init; } = 16384;

    /// <summary>Time of one decode step with an empty batch.</summary>
    public TimeSpan DecodeStepBase { get; init; } = TimeSpan.FromMilliseconds(15);

    /// <summary>Extra decode-step time per sequence in the batch (continuous batching slows as the batch grows).</summary>
    public TimeSpan DecodeStepPerSequence { get; init; } = TimeSpan.FromMilliseconds(0.1);

    /// <summary>Default TPOT SLO for this model.</summary>
    public TimeSpan TpotSlo { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Default TTFT SLO as a multiple of the zero-load prefill time of each request (3).</summary>
    public double TtftSloScale { get; init; } = 3;

    /// <summary>Prefill time of a prompt on an idle instance.</summary>
    public double ZeroLoadPrefillSeconds(int inputTokens) => PrefillOverhead.TotalSeconds + inputTokens / PrefillTokensPerSecond;

    /// <summary>Time of one decode step with <paramref name="batch"/> sequences.</summary>
    public double DecodeStepSeconds(int batch) => DecodeStepBase.TotalSeconds + batch * DecodeStepPerSequence.TotalSeconds;

    /// <summary>KV blocks that <paramref name="tokens"/> tokens occupy.</summary>
    public int BlocksFor(long tokens) => (int)((tokens + KvBlockTokens - 1) / KvBlockTokens);

    /// <summary>
    /// The default SLOs: TTFT = <see cref="TtftSloScale"/> x the request's zero-load prefill time, TPOT = <see cref="TpotSlo"/>.
    /// </summary>
    public SloTargets DefaultSlo() =>
        new(TimeSpan.FromSeconds(TtftSloScale * PrefillOverhead.TotalSeconds), TpotSlo)
        {
            TtftSecondsPerInputToken = TtftSloScale / PrefillTokensPerSecond,
        };

    /// <summary>Throws an error naming the first field that breaks its rule.</summary>
    public void Validate(string prefix = "model")
    {
        Check(PrefillTokensPerSecond > 0, "tokens_prefilled_per_sec", "must be > 0");
        Check(TransferTokensPerSecond > 0, "tokens_transferred_per_sec", "must be > 0");
        Check(KvBlocksPerInstance > 0, "num_available_blocks", "must be > 0");
        Check(KvBlockTokens > 0, "kvBlockTokens", "must be > 0");
        Check(GpusPerInstance > 0, "tp_size", "must be > 0");
        Check(MaxBatchTokens > 0, "maxBatchTokens", "must be > 0");
        Check(LoadFromStorage >= TimeSpan.Zero && LoadFromHostCache >= TimeSpan.Zero && LoadFromPeer >= TimeSpan.Zero && ColdStart >= TimeSpan.Zero,
            "loadTime", "load and cold-start times must be >= 0");
        Check(DecodeStepBase > TimeSpan.Zero, "decodeStepBase", "must be > 0");
        Check(TpotSlo > TimeSpan.Zero && TtftSloScale > 0, "slo", "TPOT SLO and TTFT scale must be > 0");

        void Check(bool ok, string field, string rule)
        {
            if (!ok)
            {
                throw new ArgumentException($"{prefix}.{field}: {rule} (model '{Name}').");
            }
        }
    }
}
