using Tandem.Api.Schema;
using Tandem.Api.V1Alpha1;

namespace Tandem.Scaling.Models;

/// <summary>
/// A ModelProfile's numbers as the policies and the simulator use them; the operator (SpecMapping) and the seed models
/// (<see cref="SeedModels"/>) both map through here, so one field means one thing everywhere.
/// </summary>
public static class ModelProfileNumbers
{
    /// <summary>
    /// R, T, M, block size, GPUs per instance (TP x PP x DP), layers; the decode step
    /// (<c>throughput.decodeStepMillis</c> + <c>decodeStepMillisPerRequest</c> x batch, as the mock engine runs it); the
    /// load times by source and the cold start (<c>loadTime</c>); the default SLOs (<c>slo</c>). Prefill overhead and
    /// batch size are engine constants, not profile fields (<see cref="ModelNumbers"/>' defaults). A bad duration
    /// throws a <see cref="FormatException"/> naming its field.
    /// </summary>
    public static ModelNumbers From(ModelProfile profile)
    {
        var spec = profile.Spec;
        return new ModelNumbers
        {
            Name = profile.Metadata?.Name ?? "model",
            PrefillTokensPerSecond = spec.Throughput.PrefillTokensPerSecond,
            TransferTokensPerSecond = spec.Throughput.TransferTokensPerSecond,
            KvBlocksPerInstance = spec.KvCacheBlocks,
            KvBlockTokens = spec.KvBlockTokens,
            GpusPerInstance = spec.TensorParallelSize * spec.PipelineParallelSize * spec.DataParallelSize,
            NumHiddenLayers = spec.NumHiddenLayers,
            DecodeStepBase = TimeSpan.FromMilliseconds(spec.Throughput.DecodeStepMillis),
            DecodeStepPerSequence = TimeSpan.FromMilliseconds(spec.Throughput.DecodeStepMillisPerRequest),
            LoadFromStorage = GoDuration.Parse(spec.LoadTime.Storage, "spec.loadTime.storage"),
            LoadFromHostCache = GoDuration.Parse(spec.LoadTime.HostCache, "spec.loadTime.hostCache"),
            LoadFromPeer = GoDuration.Parse(spec.LoadTime.Peer, "spec.loadTime.peer"),
            ColdStart = GoDuration.Parse(spec.LoadTime.ColdStart, "spec.loadTime.coldStart"),
            TpotSlo = GoDuration.Parse(spec.Slo.Tpot, "spec.slo.tpot"),
            TtftSloScale = spec.Slo.TtftScale,
        };
    }
}
