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

    /// <summary>
    /// Ticks of different deployments that run at once (default for <c>Runtime:ControllerWorkers:autoscaler</c>). A tick
    /// mostly waits on engines and routers (gRPC calls with deadlines), so workers are cheap; with few, a burst of new
    /// deployments whose engines are still starting holds them all and every other deployment waits.
    /// </summary>
    public int AutoscalerWorkers { get; set; } = 16;

    /// <summary>
    /// Reconciles of different InferenceDeployments that run at once (default for
    /// <c>Runtime:ControllerWorkers:inferencedeployment</c>): a first reconcile creates six children one request at a
    /// time, so a mass create is bound by request latency, not CPU, and more workers fill the client's QPS.
    /// </summary>
    public int DeploymentWorkers { get; set; } = 8;

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

    /// <summary>
    /// How often a Ready InferenceDeployment is reconciled when nothing changed (a safety net: its children, pods and
    /// the autoscaler's report enqueue it on every change). A deployment that is not Ready yet is looked at every 5 s.
    /// </summary>
    public TimeSpan StatusResync { get; set; } = TimeSpan.FromMinutes(10);
}
