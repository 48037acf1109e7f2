using System.CommandLine;
using Tandem.Cli.CommandLine;
using Tandem.Operator.Hosting;

namespace Tandem.Cli.Commands;

/// <summary><c>tandem operator</c>: runs the operator against a cluster (in-cluster config by default).</summary>
internal static class OperatorCommand
{
    public static Command Create()
    {
        var kubeconfig = new Option<FileInfo?>("--kubeconfig") { Description = "Kubeconfig file; in-cluster config when running in a pod, else ~/.kube/config." };
        var namespaces = new Option<string[]>("--namespace") { Description = "Namespace to watch (repeat, or comma-separate); all namespaces when omitted.", AllowMultipleArgumentsPerToken = true };
        var metrics = new Option<string>("--metrics-address") { Description = "host:port serving /metrics, /healthz and /readyz.", DefaultValueFactory = _ => ":8080" };
        var leaderElect = new Option<bool>("--leader-elect") { Description = "Elect a leader on a coordination.k8s.io Lease so replicas can run side by side." };
        var leaseNamespace = new Option<string?>("--leader-election-namespace") { Description = "Namespace of the Lease (default: $POD_NAMESPACE, else default)." };
        var workers = new Option<int?>("--workers") { Description = "Concurrent reconciles per controller (default 2)." };
        var noNetworkPolicies = new Option<bool>("--no-network-policies") { Description = "Do not create per-deployment NetworkPolicies (admitting control traffic only from the operator's namespace)." };
        var qps = new Option<double?>("--qps") { Description = "API requests per second the operator may make (default 50; paces convergence after mass changes, a steady fleet needs about none)." };
        var burst = new Option<int?>("--burst") { Description = "API requests allowed in a burst above --qps (default 100)." };
        var command = new Command("operator", "Run the Tandem operator: controllers for InferenceDeployment and EnginePool, and the autoscaler.")
        {
            kubeconfig, namespaces, metrics, leaderElect, leaseNamespace, workers, noNetworkPolicies, qps, burst,
        };
        command.SetGuardedAction(async (parse, cancel) =>
        {
            var config = new Dictionary<string, string?>
            {
                ["Runtime:LeaderElection:Enabled"] = parse.GetValue(leaderElect).ToString(),
                ["Operator:NetworkPolicies"] = (!parse.GetValue(noNetworkPolicies)).ToString(),
            };
            if (parse.GetValue(kubeconfig) is { } file)
            {
                if (!file.Exists)
                {
                    throw new UsageException($"--kubeconfig: {file.FullName} does not exist.");
                }

                config["Runtime:Kubeconfig"] = file.FullName;
            }

            var watched = (parse.GetValue(namespaces) ?? []).SelectMany(n => n.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray();
            for (var i = 0; i < watched.Length; i++)
            {
                config[$"Runtime:Namespaces:{i}"] = watched[i];
            }

            if (parse.GetValue(leaseNamespace) is { } lease)
            {
                config["Runtime:LeaderElection:LeaseNamespace"] = lease;
            }

            if (parse.GetValue(workers) is { } n)
            {
                config["Runtime:Workers"] = n.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            if (parse.GetValue(qps) is { } q)
            {
                config["Runtime:Qps"] = q > 0 ? q.ToString(System.Globalization.CultureInfo.InvariantCulture) : throw new UsageException($"--qps: must be > 0, got {q}.");
            }

            if (parse.GetValue(burst) is { } b)
            {
                config["Runtime:Burst"] = b >= 1 ? b.ToString(System.Globalization.CultureInfo.InvariantCulture) : throw new UsageException($"--burst: must be >= 1, got {b}.");
            }

            var address = parse.GetValue(metrics)!;
            _ = OperatorHost.Url(address); // a bad address throws a FormatException naming --metrics-address

            await using var app = OperatorHost.Build(new OperatorHostSettings { MetricsAddress = address, Configuration = config });
            await app.RunAsync(cancel);
            return ExitCodes.Ok;
        });
        return command;
    }
}
