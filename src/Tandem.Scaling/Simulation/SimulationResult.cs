using Tandem.Scaling.Workload;

namespace Tandem.Scaling.Simulation;

/// <summary>The outcome of one simulated run: every request's token times, GPU-seconds, the timeline and the scale events.</summary>
public sealed record SimulationResult(
    string Policy,
    IReadOnlyList<RequestOutcome> Outcomes,
    double GpuSeconds,
    double EndSeconds,
    IReadOnlyList<TimelineSample> Timeline,
    IReadOnlyList<ScaleEvent> Events,
    SloTargets Slo)
{
    /// <summary>The shared stats table's numbers for this run.</summary>
    public RunStats Stats() => RunStatsCalculator.Compute(Outcomes, Slo, GpuSeconds);
}
