using Microsoft.Extensions.Options;

namespace Tandem.Runtime.Hosting;

/// <summary>Rejects runtime settings that cannot work, naming the setting and the rule.</summary>
internal sealed class RuntimeOptionsValidator : IValidateOptions<RuntimeOptions>
{
    public ValidateOptionsResult Validate(string? name, RuntimeOptions o)
    {
        var errors = new List<string>();
        if (!(o.Qps > 0)) errors.Add($"Runtime:Qps (--qps) must be > 0, got {o.Qps}");
        if (o.Burst < 1) errors.Add($"Runtime:Burst (--burst) must be >= 1, got {o.Burst}");
        if (o.ResyncPeriod < TimeSpan.Zero) errors.Add($"Runtime:ResyncPeriod (--resync-period) must be >= 0, got {o.ResyncPeriod}");
        if (o.Workers < 1) errors.Add($"Runtime:Workers (--workers) must be >= 1, got {o.Workers}");
        foreach (var (controller, n) in o.ControllerWorkers)
        {
            if (n < 1) errors.Add($"Runtime:ControllerWorkers:{controller} must be >= 1, got {n}");
        }

        if (o.WatchTimeout < TimeSpan.FromSeconds(1)) errors.Add($"Runtime:WatchTimeout must be >= 1s, got {o.WatchTimeout}");
        if (o.GracefulShutdownTimeout < TimeSpan.Zero) errors.Add($"Runtime:GracefulShutdownTimeout must be >= 0, got {o.GracefulShutdownTimeout}");
        foreach (var ns in o.Namespaces)
        {
            if (string.IsNullOrWhiteSpace(ns)) errors.Add("Runtime:Namespaces (--namespace) must not contain an empty name");
        }

        var le = o.LeaderElection;
        if (le.Enabled)
        {
            if (string.IsNullOrWhiteSpace(le.LeaseName)) errors.Add("Runtime:LeaderElection:LeaseName (--leader-election-id) must not be empty");
            if (le.RetryPeriod <= TimeSpan.Zero) errors.Add($"Runtime:LeaderElection:RetryPeriod must be > 0, got {le.RetryPeriod}");
            if (le.RenewDeadline <= le.RetryPeriod)
                errors.Add($"Runtime:LeaderElection:RenewDeadline ({le.RenewDeadline}) must be greater than RetryPeriod ({le.RetryPeriod})");
            if (le.LeaseDuration <= le.RenewDeadline)
                errors.Add($"Runtime:LeaderElection:LeaseDuration ({le.LeaseDuration}) must be greater than RenewDeadline ({le.RenewDeadline})");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
