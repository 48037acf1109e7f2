using Tandem.Api.Seeds;

namespace Tandem.Engines.Mock;

/// <summary>
/// The model numbers the mock engine emulates (a ModelProfile's throughput and load-time fields, DESIGN §2):
/// prefill R tokens/s, KV transfer T tokens/s, a decode step of <see cref="DecodeStepMillis"/> +
/// <see cref="DecodeStepMillisPerRequest"/> x batch size, and <see cref="KvCacheBlocks"/> blocks of
/// <see cref="KvBlockTokens"/> tokens.
/// </summary>
public sealed record MockEngineProfile
{
    public string Name { get; init; } = "custom";
    public int TensorParallelSize { get; init; } = 1;
    public int NumHiddenLayers { get; init; } = 32;
    public int KvCacheBlocks { get; init; } = 8000;
    public int KvBlockTokens { get; init; } = 64;
    public double PrefillTokensPerSecond { get; init; } = 13000;
    public double TransferTokensPerSecond { get; init; } = 30000;
    public double DecodeStepMillis { get; init; } = 20;
    public double DecodeStepMillisPerRequest { get; init; } = 0.05;
    /// <summary>Longest prompt + output; the default is large so traces are limited by KV capacity, as a ModelProfile without maxModelLength is.</summary>
    public int MaxModelLength { get; init; } = 32768;
    public TimeSpan LoadFromStorage { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan LoadFromHostCache { get; init; } = TimeSpan.FromSeconds(2);
    public TimeSpan LoadFromPeer { get; init; } = TimeSpan.FromSeconds(1);

    private static readonly Lazy<IReadOnlyDictionary<string, MockEngineProfile>> SeedProfiles = new(() =>
        SeedModelProfiles.All.ToDictionary(p => p.Metadata.Name, ModelProfileFile.FromModelProfile, StringComparer.OrdinalIgnoreCase));

    /// <summary>The seed models' numbers: their ModelProfiles (examples/models/*.yaml, embedded in Tandem.Api), as the simulator reads them.</summary>
    public static IReadOnlyDictionary<string, MockEngineProfile> Seeds => SeedProfiles.Value;

    /// <summary>A seed model by name; the error lists the known names.</summary>
    public static MockEngineProfile Seed(string name) =>
        Seeds.TryGetValue(name, out var profile)
            ? profile
            : throw new ArgumentException($"--profile: '{name}' is neither a ModelProfile YAML file nor a seed model ({string.Join(", ", Seeds.Keys)}).", nameof(name));

    /// <summary>
    /// The same model run <paramref name="speed"/> times faster: rates multiplied, times divided. Tests and demos use
    /// it to keep emulated timings small while keeping their proportions.
    /// </summary>
    public MockEngineProfile Accelerated(double speed)
    {
        if (!(speed > 0) || double.IsInfinity(speed))
        {
            throw new ArgumentOutOfRangeException(nameof(speed), speed, "speed must be a positive number.");
        }

        return this with
        {
            PrefillTokensPerSecond = PrefillTokensPerSecond * speed,
            TransferTokensPerSecond = TransferTokensPerSecond * speed,
            DecodeStepMillis = DecodeStepMillis / speed,
            DecodeStepMillisPerRequest = DecodeStepMillisPerRequest / speed,
            LoadFromStorage = LoadFromStorage / speed,
            LoadFromHostCache = LoadFromHostCache / speed,
            LoadFromPeer = LoadFromPeer / speed,
        };
    }

    /// <summary>Throws naming the first field that breaks its rule.</summary>
    public MockEngineProfile Validate()
    {
        Check(TensorParallelSize >= 1, "spec.tensorParallelSize", "must be >= 1");
        Check(KvCacheBlocks >= 1, "spec.kvCacheBlocks", "must be >= 1");
        Check(KvBlockTokens >= 1, "spec.kvBlockTokens", "must be >= 1");
        Check(PrefillTokensPerSecond > 0, "spec.throughput.prefillTokensPerSecond", "must be > 0");
        Check(TransferTokensPerSecond > 0, "spec.throughput.transferTokensPerSecond", "must be > 0");
        Check(DecodeStepMillis >= 0, "spec.throughput.decodeStepMillis", "must be >= 0");
        Check(DecodeStepMillisPerRequest >= 0, "spec.throughput.decodeStepMillisPerRequest", "must be >= 0");
        Check(MaxModelLength >= 1, "spec.maxModelLength", "must be >= 1");
        Check(LoadFromStorage >= TimeSpan.Zero && LoadFromHostCache >= TimeSpan.Zero && LoadFromPeer >= TimeSpan.Zero, "spec.loadTime", "durations must be >= 0");
        return this;
    }

    /// <summary>Time to prefill <paramref name="tokens"/> prompt tokens.</summary>
    public TimeSpan PrefillTime(int tokens) => TimeSpan.FromSeconds(tokens / PrefillTokensPerSecond);

    /// <summary>Time to move the KV of <paramref name="tokens"/> tokens between instances.</summary>
    public TimeSpan TransferTime(int tokens) => TimeSpan.FromSeconds(tokens / TransferTokensPerSecond);

    /// <summary>One continuous-batching decode step with <paramref name="batch"/> running requests.</summary>
    public TimeSpan DecodeStep(int batch) => TimeSpan.FromMilliseconds(DecodeStepMillis + DecodeStepMillisPerRequest * batch);

    /// <summary>KV blocks a request of <paramref name="tokens"/> context tokens occupies.</summary>
    public int BlocksFor(int tokens) => (tokens + KvBlockTokens - 1) / KvBlockTokens;

    private static void Check(bool ok, string field, string rule)
    {
        if (!ok)
        {
            throw new ArgumentException($"ModelProfile field '{field}' {rule}.");
        }
    }
}
