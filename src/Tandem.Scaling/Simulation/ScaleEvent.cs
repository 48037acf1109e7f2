namespace Tandem.Scaling.Simulation;

/// <summary>One action of the scale-event timeline: when (simulated seconds), what, on which instance, and why.</summary>
public sealed record ScaleEvent(double Time, string Action, string Target, string Reason);

/// <summary>The fleet at one decision: load and instances per role and state, for the plot and the timeline.</summary>
public sealed record TimelineSample(double Time, long QueuedPromptTokens, double ArrivalsPerSecond, int ServingPrefill, int ServingDecode,
    int Loading, int Draining, int Warm, int Standby, int Pending, int GpusHeld);
