using Tandem.Api.Schema;
using Tandem.Api.Seeds;
using Tandem.Api.V1Alpha1;

namespace Tandem.Scaling.Models;

/// <summary>
/// The seed models by name, with the numbers of their ModelProfiles (examples/models/*.yaml, embedded in Tandem.Api),
/// so the simulator runs without a cluster on the same numbers the mock engine emulates.
/// </summary>
public static class SeedModels
{
    private static readonly Lazy<ModelNumbers[]> All = new(() => SeedModelProfiles.All.Select(FromProfile).ToArray());

    /// <summary>The names: llama2-7b, llama3-8b, mistral-24b, qwen-72b.</summary>
    public static IReadOnlyList<string> Names => All.Value.Select(m => m.Name).ToArray();

    /// <summary>The numbers of a seed model; <c>_</c> and <c>-</c> are interchangeable (the template writes <c>llama3_8b</c>).</summary>
    public static bool TryGet(string name, out ModelNumbers model)
    {
        var normal = name.Trim().Replace('_', '-').ToLowerInvariant();
        model = All.Value.FirstOrDefault(m => m.Name == normal)!;
        return model is not null;
    }

    /// <summary>The numbers of a seed model, or an error naming <paramref name="field"/> and the known names.</summary>
    public static ModelNumbers Get(string name, string field = "--model") =>
        TryGet(name, out var model)
            ? model
            : throw new ArgumentException($"{field}: unknown model '{name}'; known: {string.Join(", ", Names)}.");

    /// <summary>
    /// A ModelProfile's numbers as the simulator uses them: R, T, M, block size, TP, layers, the decode step
    /// (<c>throughput.decodeStepMillis</c> + <c>decodeStepMillisPerRequest</c> x batch, as the mock engine), the load
    /// times by source and the cold start (<c>loadTime</c>), and the SLOs. Prefill overhead and batch size are engine
    /// constants, not profile fields (<see cref="ModelNumbers"/>' defaults).
    /// </summary>
    public static ModelNumbers FromProfile(ModelProfile profile)
    {
        var spec = profile.Spec;
        var numbers = new ModelNumbers
        {
            Name = profile.Metadata.Name,
            PrefillTokensPerSecond = spec.Throughput.PrefillTokensPerSecond,
            TransferTokensPerSecond = spec.Throughput.TransferTokensPerSecond,
            KvBlocksPerInstance = spec.KvCacheBlocks,
            KvBlockTokens = spec.KvBlockTokens,
            GpusPerInstance = spec.TensorParallelSize,
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
        numbers.Validate($"ModelProfile '{numbers.Name}'");
        return numbers;
    }
}
