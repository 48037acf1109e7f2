using Microsoft.Extensions.Diagnostics.HealthChecks;
using Tandem.Runtime.Hosting;

namespace Tandem.Runtime.Health;

/// <summary>/readyz: ready only when caches have synced and, if this replica leads, its controllers have started.</summary>
internal sealed class RuntimeReadinessCheck(RuntimeStatus status) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var (ready, reason) = status.Readiness();
        return Task.FromResult(ready ? HealthCheckResult.Healthy(reason) : HealthCheckResult.Unhealthy(reason));
    }
}
