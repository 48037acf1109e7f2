namespace Tandem.Cli.Demo;

/// <summary>What `tandem demo` runs: the trace window, its speed, the policy, and where results go.</summary>
public sealed record DemoOptions
{
    public string Trace { get; init; } = "AzureCode2023-5min";

    public string Window { get; init; } = "0:240";

    /// <summary>Divides the trace's inter-arrival gaps: 2 replays 240 s of trace in 120 s (at twice the request rate).</summary>
    public double Speed { get; init; } = 2;

    public string Policy { get; init; } = "bounds";

    public string? JsonPath { get; init; }

    public string PlotPath { get; init; } = "tandem-demo.png";

    /// <summary>Seconds between progress lines.</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(2);
}
