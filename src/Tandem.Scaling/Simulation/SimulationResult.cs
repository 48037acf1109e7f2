using Tandem.Scaling.Workload;

namespace Tandem.Scaling.Simulation;

/// <summary>
/// The outcome of one simulated run: every request's token times, GPU-seconds, the timeline and the scale events.
/// <see cref="GpuSeconds"/> is the headline: <see cref="ServingGpuSeconds"/> (pods holding weights: loading, active,
/// draining, warm) plus <see cref="ReservedGpuSeconds"/> (pods without weights: pending, standby).
/// </summary>
public sealed record SimulationResult(
    string Policy,
    IReadOnlyList<RequestOutcome> Outcomes,
    double ServingGpuSeconds,
    double ReservedGpuSeconds,
    double EndSeconds,
    IReadOnlyList<TimelineSample> Timeline,
    IReadOnlyList<ScaleEvent> Events,
    SloTargets Slo)
{
    /// <summary>Prompts the deadline-ordered queue moved behind the rest because they could no longer meet their TTFT.</summary>
    public int Deprioritised { get; init; }

    /// <summary>Serving plus reserved GPU-seconds.</summary>
    public double GpuSeconds => ServingGpuSeconds + ReservedGpuSeconds;

    /// <summary>The shared stats table's numbers for this run.</summary>
    public RunStats Stats() => RunStatsCalculator.Compute(Outcomes, Slo, GpuSeconds);
}
