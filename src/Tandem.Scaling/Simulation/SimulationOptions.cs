using Tandem.Scaling.Models;
using Tandem.Scaling.Policies;
using Tandem.Scaling.Workload;

namespace Tandem.Scaling.Simulation;

/// <summary>What a simulated run uses: the model's numbers, the scaling bounds, the decision interval and the SLO.</summary>
public sealed record SimulationOptions
{
    public required ModelNumbers Model { get; init; }

    public ScalingBounds Bounds { get; init; } = new();

    /// <summary>Time between policy decisions (<c>scaling.interval</c>).</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>SLO for attainment; null uses <see cref="ModelNumbers.DefaultSlo"/>.</summary>
    public SloTargets? Slo { get; init; }

    /// <summary>Give up on requests still unfinished this long after the last arrival (they count as failed).</summary>
    public TimeSpan MaxTail { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>How the router orders prompts for prefill batches (earliest TTFT deadline first by default).</summary>
    public DispatchOrder Dispatch { get; init; } = DispatchOrder.Deadline;

    /// <summary>Share of requests that must attain the SLO: the fair static fleet is the smallest that reaches it.</summary>
    public double AttainmentTarget { get; init; } = 0.99;

    /// <summary>The SLO in force.</summary>
    public SloTargets EffectiveSlo => Slo ?? Model.DefaultSlo();
}
