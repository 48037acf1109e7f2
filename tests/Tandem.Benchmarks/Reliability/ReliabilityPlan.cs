namespace Tandem.Benchmarks.Reliability;

/// <summary>How much of each disturbance a reliability run drives.</summary>
internal sealed record ReliabilityPlan(string Name, int ScaleEvents, int OperatorKills, TimeSpan FaultPhase, bool SignalFailovers, bool HungEngine, bool StalledSpecs)
{
    /// <summary>The run: ≥ 50 scale events, ≥ 20 operator kills, every failover, faults for a minute, every hostile spec.</summary>
    public static ReliabilityPlan Full { get; } = new("full", 50, 20, TimeSpan.FromSeconds(60), SignalFailovers: true, HungEngine: true, StalledSpecs: true);

    /// <summary>A few minutes: every scenario, fewer repetitions.</summary>
    public static ReliabilityPlan Short { get; } = new("short", 12, 4, TimeSpan.FromSeconds(20), SignalFailovers: true, HungEngine: true, StalledSpecs: true);

    /// <summary>The CI test's reduced set (same code): scale events, SIGKILLs of the leader, API faults, the refused hostile specs.</summary>
    public static ReliabilityPlan Ci { get; } = new("ci", 4, 2, TimeSpan.FromSeconds(8), SignalFailovers: false, HungEngine: false, StalledSpecs: false);
}

/// <summary>One row of the reliability table.</summary>
internal sealed record ScenarioResult(string Scenario, int Events, int Requests, int Failed, int Truncated, int Orphans, double? ConvergeSeconds, string Notes, bool Passed)
{
    /// <summary>The requests this scenario's load sent (filled in once the load has drained).</summary>
    public ScenarioResult WithLoad(LoadTally tally) => this with
    {
        Requests = tally.Requests,
        Failed = tally.Failed,
        Truncated = tally.Truncated,
        Notes = tally.Errors.Count == 0 ? Notes : Notes + "; first errors: " + string.Join(" | ", tally.Errors.Take(2)),
        Passed = Passed && tally.Failed == 0,
    };
}
