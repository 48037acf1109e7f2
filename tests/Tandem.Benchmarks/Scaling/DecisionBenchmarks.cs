using BenchmarkDotNet.Attributes;
using Tandem.Scaling.Lifecycle;
using Tandem.Scaling.Models;
using Tandem.Scaling.Policies;

namespace Tandem.Benchmarks.Scaling;

/// <summary>
/// The cost of one scaling decision on a busy fleet (13 prefill + 13 decode active, warm, draining and standby
/// instances), per policy. Run: <c>dotnet run -c Release --project tests/Tandem.Benchmarks -- --filter '*DecisionBenchmarks*'</c>.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class DecisionBenchmarks
{
    private ScalingInput input = null!;
    private IScalingPolicy policy = null!;

    [Params("bounds", "slo", "hpa", "kpa")]
    public string Policy { get; set; } = "bounds";

    [GlobalSetup]
    public void Setup()
    {
        var now = DateTimeOffset.UnixEpoch.AddHours(1);
        var instances = new List<InstanceView>();
        for (var i = 0; i < 13; i++)
        {
            instances.Add(new InstanceView($"p{i}", InstanceRole.Prefill, InstanceState.Active, now.AddSeconds(-60)) { UsedKvBlocks = 100 * i, UnmigratedKvTokens = 2000 * i, RunningRequests = i });
            instances.Add(new InstanceView($"d{i}", InstanceRole.Decode, InstanceState.Active, now.AddSeconds(-60)) { UsedKvBlocks = 1500 * i, RunningRequests = 10 * i });
        }

        for (var i = 0; i < 4; i++)
        {
            instances.Add(new InstanceView($"w{i}", InstanceRole.Decode, InstanceState.Warm, now.AddSeconds(-10 * i)));
            instances.Add(new InstanceView($"s{i}", null, InstanceState.Standby, now.AddSeconds(-100 * i)));
            instances.Add(new InstanceView($"r{i}", InstanceRole.Prefill, InstanceState.Draining, now.AddSeconds(-1)));
        }

        input = new ScalingInput(now, SeedModels.Get("llama3-8b"), new ScalingBounds { Features = ScalingFeatures.Mutate | ScalingFeatures.FastLoad },
            new RouterLoad(60_000) { QueuedRequests = 50, PromptTokensPerSecond = 40_000 }, instances);
        policy = ScalingPolicies.Create(Policy);
    }

    [Benchmark]
    public int Decide() => policy.Decide(input).Actions.Count;
}
