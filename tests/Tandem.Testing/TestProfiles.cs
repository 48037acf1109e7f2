using Tandem.Engines.Mock;
using Tandem.Scaling.Lifecycle;

namespace Tandem.Testing;

/// <summary>Model numbers small enough that a request takes milliseconds, keeping the suite fast.</summary>
public static class TestProfiles
{
    /// <summary>Prefill 1M tokens/s, transfer 2M tokens/s, a 1 ms decode step, 1000 blocks of 64 tokens.</summary>
    public static MockEngineProfile Fast { get; } = new()
    {
        Name = "test-model",
        PrefillTokensPerSecond = 1_000_000,
        TransferTokensPerSecond = 2_000_000,
        DecodeStepMillis = 1,
        DecodeStepMillisPerRequest = 0,
        KvCacheBlocks = 1000,
        KvBlockTokens = 64,
        MaxModelLength = 4096,
        LoadFromStorage = TimeSpan.FromSeconds(8),
        LoadFromHostCache = TimeSpan.FromSeconds(2),
        LoadFromPeer = TimeSpan.FromSeconds(1),
    };

    public static MockEngineOptions Engine(InstanceRole? role = null, bool standby = false, MockEngineProfile? profile = null, TimeProvider? time = null) => new()
    {
        HttpPort = 0,
        ControlPort = 0,
        Role = role,
        Standby = standby,
        Profile = profile ?? Fast,
        Time = time ?? TimeProvider.System,
    };
}
