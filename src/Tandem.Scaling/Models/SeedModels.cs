namespace Tandem.Scaling.Models;

/// <summary>
/// The seed template's models by name (R, T, M, tensor-parallel size from BlitzScale's e2e-blitz.toml), with load,
/// cold-start and decode-step numbers we assume for them, so the simulator runs without a cluster.
/// </summary>
public static class SeedModels
{
    private static readonly ModelNumbers[] All =
    [
        new()
        {
            Name = "llama2-7b", PrefillTokensPerSecond = 13000, TransferTokensPerSecond = 30000, KvBlocksPerInstance = 8000,
            NumHiddenLayers = 32, GpusPerInstance = 1,
            LoadFromStorage = TimeSpan.FromSeconds(8), LoadFromHostCache = TimeSpan.FromSeconds(1.0), LoadFromPeer = TimeSpan.FromSeconds(1.2),
            DecodeStepBase = TimeSpan.FromMilliseconds(12), DecodeStepPerSequence = TimeSpan.FromMilliseconds(0.08),
            TpotSlo = TimeSpan.FromMilliseconds(100),
        },
        new()
        {
            Name = "llama3-8b", PrefillTokensPerSecond = 12000, TransferTokensPerSecond = 60000, KvBlocksPerInstance = 30000,
            NumHiddenLayers = 32, GpusPerInstance = 1,
            LoadFromStorage = TimeSpan.FromSeconds(10), LoadFromHostCache = TimeSpan.FromSeconds(1.2), LoadFromPeer = TimeSpan.FromSeconds(1.4),
            DecodeStepBase = TimeSpan.FromMilliseconds(14), DecodeStepPerSequence = TimeSpan.FromMilliseconds(0.08),
            TpotSlo = TimeSpan.FromMilliseconds(100),
        },
        new()
        {
            Name = "mistral-24b", PrefillTokensPerSecond = 6000, TransferTokensPerSecond = 40000, KvBlocksPerInstance = 8000,
            NumHiddenLayers = 40, GpusPerInstance = 2,
            LoadFromStorage = TimeSpan.FromSeconds(15), LoadFromHostCache = TimeSpan.FromSeconds(1.8), LoadFromPeer = TimeSpan.FromSeconds(2.0),
            DecodeStepBase = TimeSpan.FromMilliseconds(22), DecodeStepPerSequence = TimeSpan.FromMilliseconds(0.15),
            TpotSlo = TimeSpan.FromMilliseconds(150),
        },
        new()
        {
            Name = "qwen-72b", PrefillTokensPerSecond = 7500, TransferTokensPerSecond = 40000, KvBlocksPerInstance = 8000,
            NumHiddenLayers = 80, GpusPerInstance = 8,
            LoadFromStorage = TimeSpan.FromSeconds(30), LoadFromHostCache = TimeSpan.FromSeconds(3.0), LoadFromPeer = TimeSpan.FromSeconds(2.5),
            DecodeStepBase = TimeSpan.FromMilliseconds(35), DecodeStepPerSequence = TimeSpan.FromMilliseconds(0.25),
            TpotSlo = TimeSpan.FromMilliseconds(200),
        },
    ];

    /// <summary>The names: llama2-7b, llama3-8b, mistral-24b, qwen-72b.</summary>
    public static IReadOnlyList<string> Names { get; } = All.Select(m => m.Name).ToArray();

    /// <summary>The numbers of a seed model; <c>_</c> and <c>-</c> are interchangeable (the template writes <c>llama3_8b</c>).</summary>
    public static bool TryGet(string name, out ModelNumbers model)
    {
        var normal = name.Trim().Replace('_', '-').ToLowerInvariant();
        model = All.FirstOrDefault(m => m.Name == normal)!;
        return model is not null;
    }

    /// <summary>The numbers of a seed model, or an error naming <paramref name="field"/> and the known names.</summary>
    public static ModelNumbers Get(string name, string field = "--model") =>
        TryGet(name, out var model)
            ? model
            : throw new ArgumentException($"{field}: unknown model '{name}'; known: {string.Join(", ", Names)}.");
}
