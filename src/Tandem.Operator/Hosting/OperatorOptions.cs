namespace Tandem.Operator.Hosting;

/// <summary>Settings of the operator itself (section "Operator"); the runtime's are under "Runtime".</summary>
public sealed class OperatorOptions
{
    public const string SectionName = "Operator";

    /// <summary>How often the autoscaler checks which deployments are due (each decides once per its own interval).</summary>
    public TimeSpan AutoscalerTick { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Deadline of one engine or router control call.</summary>
    public TimeSpan ControlCallDeadline { get; set; } = TimeSpan.FromSeconds(5);
}
