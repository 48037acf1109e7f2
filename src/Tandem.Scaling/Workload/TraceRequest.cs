namespace Tandem.Scaling.Workload;

/// <summary>One request of a trace: when it arrives (seconds from the window's start) and its token counts.</summary>
public readonly record struct TraceRequest(double ArrivalSeconds, int InputTokens, int OutputTokens);
