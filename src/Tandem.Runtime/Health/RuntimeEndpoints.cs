using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Prometheus;
using Tandem.Runtime.Metrics;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the runtime's probe and metrics endpoints: /healthz, /readyz, /metrics.</summary>
public static class RuntimeEndpoints
{
    public const string LiveTag = "live";
    public const string ReadyTag = "ready";

    public static IEndpointRouteBuilder MapTandemRuntimeEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = c => c.Tags.Contains(LiveTag) });
        endpoints.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag) });
        endpoints.MapMetrics("/metrics", endpoints.ServiceProvider.GetRequiredService<RuntimeMetrics>().Registry);
        return endpoints;
    }
}
