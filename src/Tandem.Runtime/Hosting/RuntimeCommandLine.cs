namespace Tandem.Runtime.Hosting;

/// <summary>
/// Command-line flags of the runtime, for <c>configuration.AddCommandLine(args, RuntimeCommandLine.SwitchMappings)</c>:
/// each flag sets one key of the "Runtime" section.
/// </summary>
public static class RuntimeCommandLine
{
    public static IReadOnlyDictionary<string, string> SwitchMappings { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["--kubeconfig"] = "Runtime:Kubeconfig",
        ["--namespace"] = "Runtime:Namespaces:0",
        ["--qps"] = "Runtime:Qps",
        ["--burst"] = "Runtime:Burst",
        ["--resync-period"] = "Runtime:ResyncPeriod",
        ["--workers"] = "Runtime:Workers",
        ["--leader-elect"] = "Runtime:LeaderElection:Enabled",
        ["--leader-election-id"] = "Runtime:LeaderElection:LeaseName",
        ["--leader-election-namespace"] = "Runtime:LeaderElection:LeaseNamespace",
        ["--graceful-shutdown-timeout"] = "Runtime:GracefulShutdownTimeout",
    };
}
