using Microsoft.Extensions.Time.Testing;
using Tandem.Engines.Mock;
using Tandem.Scaling.Lifecycle;

namespace Tandem.Engines.Tests.Mock;

public sealed class MockEngineTimingTests
{
    [Fact]
    public async Task Prefill_takes_prompt_tokens_over_R_seconds_on_the_engine_clock()
    {
        var clock = new FakeTimeProvider();
        var profile = TestProfiles.Fast with { PrefillTokensPerSecond = 1000, TransferTokensPerSecond = 1000 };
        await using var engine = new MockEngine(profile, null, standby: false, clock);
        await using var tokens = engine.RunAsync(CompletionPhase.PrefillOnly, 500, 1, CancellationToken.None).GetAsyncEnumerator();
        var first = tokens.MoveNextAsync().AsTask();
        await Eventually.TrueAsync(() => engine.Status().RunningRequests == 1, "the prefill runs");

        clock.Advance(TimeSpan.FromMilliseconds(499));
        var early = first.IsCompleted;
        var queued = engine.Status().QueuedPromptTokens;
        clock.Advance(TimeSpan.FromMilliseconds(1));

        Assert.False(early);
        Assert.Equal(500, queued);
        Assert.True(await first.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, engine.Status().QueuedPromptTokens);
        Assert.Equal(500, engine.Status().UnmigratedKvTokens);
    }

    [Fact]
    public async Task Unmigrated_kv_is_released_after_the_transfer_time_and_a_drain_waits_for_it()
    {
        var clock = new FakeTimeProvider();
        var profile = TestProfiles.Fast with { PrefillTokensPerSecond = 1_000_000, TransferTokensPerSecond = 1000 };
        await using var engine = new MockEngine(profile, InstanceRole.Prefill, standby: false, clock);
        await foreach (var _ in engine.RunAsync(CompletionPhase.PrefillOnly, 200, 1, CancellationToken.None))
        {
        }

        engine.Drain();
        var draining = engine.State;
        clock.Advance(TimeSpan.FromMilliseconds(200));
        await Eventually.TrueAsync(() => engine.State == InstanceState.Warm, "the drained engine is warm once its KV was pulled");

        Assert.Equal(InstanceState.Draining, draining);
        Assert.Equal(0, engine.Status().UnmigratedKvTokens);
    }

    [Fact]
    public async Task A_sequence_waits_for_kv_blocks_until_the_running_one_frees_them()
    {
        var small = TestProfiles.Fast with { KvCacheBlocks = 4, KvBlockTokens = 64, DecodeStepMillis = 2 };
        await using var engine = new MockEngine(small, InstanceRole.Decode, standby: false);
        var first = Drain(engine.RunAsync(CompletionPhase.DecodeOnly, 200, 40, CancellationToken.None));
        await Eventually.TrueAsync(() => engine.Status().RunningRequests == 1, "the first sequence runs");
        var second = Drain(engine.RunAsync(CompletionPhase.DecodeOnly, 200, 40, CancellationToken.None));
        await Eventually.TrueAsync(() => engine.Status().WaitingRequests == 1 || second.IsCompleted, "the second sequence waits for blocks");
        var waitedWhileFirstRan = !first.IsCompleted && engine.Status().WaitingRequests == 1;

        Assert.Equal(40, await first);
        Assert.Equal(40, await second);
        Assert.True(waitedWhileFirstRan);
    }

    [Fact]
    public void Profile_time_math_follows_the_model_numbers()
    {
        var profile = new MockEngineProfile { PrefillTokensPerSecond = 10_000, TransferTokensPerSecond = 40_000, DecodeStepMillis = 20, DecodeStepMillisPerRequest = 0.5, KvBlockTokens = 64 };

        Assert.Equal(TimeSpan.FromMilliseconds(100), profile.PrefillTime(1000));
        Assert.Equal(TimeSpan.FromMilliseconds(25), profile.TransferTime(1000));
        Assert.Equal(TimeSpan.FromMilliseconds(20), profile.DecodeStep(0));
        Assert.Equal(TimeSpan.FromMilliseconds(36), profile.DecodeStep(32));
        Assert.Equal(2, profile.BlocksFor(65));
    }

    [Fact]
    public void Accelerated_profile_scales_rates_up_and_times_down()
    {
        var seed = MockEngineProfile.Seed("qwen-72b");

        var fast = seed.Accelerated(10);

        Assert.Equal(75_000, fast.PrefillTokensPerSecond);
        Assert.Equal(seed.LoadFromStorage / 10, fast.LoadFromStorage);
        Assert.Equal(8, fast.TensorParallelSize);
        Assert.Throws<ArgumentOutOfRangeException>(() => seed.Accelerated(0));
    }

    [Theory]
    [InlineData("llama2-7b", 13000, 30000, 8000, 1)]
    [InlineData("llama3-8b", 12000, 60000, 30000, 1)]
    [InlineData("mistral-24b", 6000, 40000, 8000, 2)]
    [InlineData("qwen-72b", 7500, 40000, 8000, 8)]
    public void Seed_models_carry_their_numbers_and_load_faster_from_a_peer_than_from_storage(string name, double r, double t, int m, int tp)
    {
        var profile = MockEngineProfile.Seed(name);

        Assert.Equal((r, t, m, tp), (profile.PrefillTokensPerSecond, profile.TransferTokensPerSecond, profile.KvCacheBlocks, profile.TensorParallelSize));
        Assert.True(profile.LoadFromPeer < profile.LoadFromHostCache && profile.LoadFromHostCache < profile.LoadFromStorage);
    }

    private static async Task<int> Drain(IAsyncEnumerable<int> tokens)
    {
        var count = 0;
        await foreach (var _ in tokens)
        {
            count++;
        }

        return count;
    }
}
