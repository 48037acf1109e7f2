namespace Tandem.Operator;

/// <summary>Settings of the operator itself (section "Operator"); the runtime's are under "Runtime".</summary>
/// <remarks>
/// In the assembly's root namespace, beside no folder: Hosting binds it and Autoscaling reads it, and neither folder
/// depends on the other for it (operator folders must not cycle; FolderDependencyTests).
/// </remarks>
public sealed class OperatorOptions
{
    public const string SectionName = "Operator";

    /// <summary>Deadline of one engine or router control call attempt.</summary>
    public TimeSpan ControlCallDeadline { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Retries of a control call within one tick (transient failures); later ticks retry with the key's backoff.</summary>
    public int ControlCallRetries { get; set; } = 1;

    /// <summary>
    /// Deadline of one deployment's autoscaler tick (observe, decide, act, publish): a deployment whose engines hang
    /// holds one autoscaler worker at most this long.
    /// </summary>
    public TimeSpan TickDeadline { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Ticks of different deployments that run at once (default for <c>Runtime:ControllerWorkers:autoscaler</c>).</summary>
    public int AutoscalerWorkers { get; set; } = 4;

    /// <summary>First retry delay of a deployment whose tick failed; it doubles per failure up to <see cref="AutoscalerMaxBackoff"/>.</summary>
    public TimeSpan AutoscalerBaseBackoff { get; set; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan AutoscalerMaxBackoff { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The operator's namespace (its control-plane CA Secret lives there); default $POD_NAMESPACE, else "default".</summary>
    public string? Namespace { get; set; }

    /// <summary>
    /// Create NetworkPolicies per deployment that admit control traffic only from the operator's namespace (and engine
    /// traffic only from the deployment's own pods); off where the operator runs outside the cluster.
    /// </summary>
    public bool NetworkPolicies { get; set; } = true;

    /// <summary><see cref="Namespace"/>, else $POD_NAMESPACE, else "default".</summary>
    public string OperatorNamespace() => Namespace is { Length: > 0 } ns ? ns
        : System.Environment.GetEnvironmentVariable("POD_NAMESPACE") is { Length: > 0 } pod ? pod : "default";

    /// <summary>How often the control-plane CA Secret is read again (a deleted CA is recreated, a CA near its end rotated).</summary>
    public TimeSpan ControlCaRecheck { get; set; } = TimeSpan.FromMinutes(5);
}
