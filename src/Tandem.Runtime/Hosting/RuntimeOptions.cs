namespace Tandem.Runtime;

/// <summary>
/// Settings of the controller runtime, bound from the "Runtime" configuration section (and so from command-line flags
/// through <see cref="Hosting.RuntimeCommandLine.SwitchMappings"/>).
/// </summary>
public sealed class RuntimeOptions
{
    public const string SectionName = "Runtime";

    /// <summary>Kubeconfig file; empty uses in-cluster config when in a pod, else the default kubeconfig.</summary>
    public string? Kubeconfig { get; set; }

    /// <summary>Namespaces to watch; empty watches all. A comma-separated entry ("a,b") is split.</summary>
    public List<string> Namespaces { get; set; } = [];

    /// <summary>
    /// Client requests per second the process may make to the API server (sustained). A steady fleet needs about none
    /// (children are read from the caches and written only when they differ); the limit paces convergence after a mass
    /// change: a new InferenceDeployment costs about 25 requests, so 1,000 created at once converge in about
    /// 25,000 / Qps seconds. Watches and the leader lease go through the same limit.
    /// </summary>
    public double Qps { get; set; } = 50;

    /// <summary>Client requests allowed in a burst above <see cref="Qps"/> (a deployment's first reconcile writes ~8 objects).</summary>
    public int Burst { get; set; } = 100;

    /// <summary>How often every cached object is handed to its handlers again (0 disables resync).</summary>
    public TimeSpan ResyncPeriod { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Concurrent reconciles per controller unless <see cref="ControllerWorkers"/> names the controller.</summary>
    public int Workers { get; set; } = 2;

    /// <summary>Concurrent reconciles by controller name (the lower-case kind, e.g. "inferencedeployment").</summary>
    public Dictionary<string, int> ControllerWorkers { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>How long the server may hold one watch open before the informer resumes it.</summary>
    public TimeSpan WatchTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The field manager named on every write (managedFields show who set what; kubectl and SSA users see it).</summary>
    public string FieldManager { get; set; } = DefaultFieldManager;

    /// <summary>The operator's field manager unless configured otherwise.</summary>
    public const string DefaultFieldManager = "tandem-operator";

    /// <summary>How long shutdown waits for queued and in-flight reconciles before cancelling them.</summary>
    public TimeSpan GracefulShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public LeaderElectionOptions LeaderElection { get; set; } = new();

    /// <summary>Worker count for the named controller.</summary>
    public int WorkersFor(string controller) => ControllerWorkers.TryGetValue(controller, out var n) ? n : Workers;
}

/// <summary>Leader election on a coordination.k8s.io Lease: only the holder runs controllers.</summary>
public sealed class LeaderElectionOptions
{
    public bool Enabled { get; set; }

    public string LeaseName { get; set; } = "tandem-operator";

    /// <summary>Namespace of the Lease; defaults to $POD_NAMESPACE, else "default".</summary>
    public string? LeaseNamespace { get; set; }

    /// <summary>This replica's identity; defaults to the host name plus a random suffix.</summary>
    public string? Identity { get; set; }

    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(15);

    public TimeSpan RenewDeadline { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan RetryPeriod { get; set; } = TimeSpan.FromSeconds(2);
}
