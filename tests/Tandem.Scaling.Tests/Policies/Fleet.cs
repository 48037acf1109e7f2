using Tandem.Scaling.Lifecycle;
using Tandem.Scaling.Models;
using Tandem.Scaling.Policies;

namespace Tandem.Scaling.Tests.Policies;

/// <summary>Builds policy inputs for tests: a fleet of instances at a point in time.</summary>
internal sealed class Fleet
{
    public static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static ModelNumbers Model { get; } = SeedModels.Get("llama3-8b");

    private readonly List<InstanceView> instances = [];

    public ScalingBounds Bounds { get; set; } = new() { Standby = new StandbySettings(0, TimeSpan.FromSeconds(60)) };

    public long Queued { get; set; }

    /// <summary>The router's measured prompt-token arrival rate, or null when it measures none.</summary>
    public double? ArrivalRate { get; set; }

    public Fleet Add(string id, InstanceState state, InstanceRole? role = null, int blocks = 0, int running = 0, bool source = false, double sinceSeconds = 0, long unmigrated = 0)
    {
        instances.Add(new InstanceView(id, role, state, T0.AddSeconds(sinceSeconds))
        {
            UsedKvBlocks = blocks, RunningRequests = running, IsWeightSource = source, UnmigratedKvTokens = unmigrated,
        });
        return this;
    }

    public Fleet Active(string id, InstanceRole role, int blocks = 0, int running = 0, bool source = false) =>
        Add(id, InstanceState.Active, role, blocks, running, source);

    public ScalingInput At(DateTimeOffset now) => new(now, Model, Bounds, new RouterLoad(Queued) { PromptTokensPerSecond = ArrivalRate }, instances.ToArray());

    public ScalingInput Now() => At(T0);
}
