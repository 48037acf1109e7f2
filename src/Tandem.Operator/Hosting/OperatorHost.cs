using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tandem.Engines;
using Tandem.Runtime.Hosting;

namespace Tandem.Operator.Hosting;

/// <summary>How to run the operator: what `tandem operator` parses, and what the demo and tests set in-process.</summary>
public sealed record OperatorHostSettings
{
    /// <summary>host:port for /metrics, /healthz and /readyz (":8080" means every interface).</summary>
    public string MetricsAddress { get; init; } = ":8080";

    /// <summary>Extra configuration (command-line flags mapped to Runtime:* and Operator:* keys).</summary>
    public IReadOnlyDictionary<string, string?> Configuration { get; init; } = new Dictionary<string, string?>();

    /// <summary>A client to use instead of one built from the kubeconfig (the in-process demo and tests).</summary>
    public KubernetesClientConfiguration? ClientConfiguration { get; init; }

    public TimeProvider? TimeProvider { get; init; }

    public LogLevel MinimumLogLevel { get; init; } = LogLevel.Information;
}

/// <summary>Builds the operator process: controller runtime, controllers, autoscaler, and the probe and metrics endpoints.</summary>
public static class OperatorHost
{
    public static WebApplication Build(OperatorHostSettings settings)
    {
        var builder = SlimWebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(settings.Configuration);
        builder.Logging.SetMinimumLevel(settings.MinimumLogLevel);
        // Probe and scrape requests arrive every few seconds: ASP.NET Core's per-request lines stay below Info.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.WebHost.UseUrls(Url(settings.MetricsAddress));
        if (settings.TimeProvider is { } time)
        {
            builder.Services.AddSingleton(time);
        }

        if (settings.ClientConfiguration is { } config)
        {
            builder.Services.AddSingleton<IKubernetes>(sp => new Kubernetes(config, new Tandem.Runtime.Client.RestClientMetricsHandler(sp.GetRequiredService<Tandem.Runtime.Metrics.RuntimeMetrics>())));
        }

        builder.Services.AddTandemOperator(builder.Configuration);
        var app = builder.Build();
        app.MapTandemRuntimeEndpoints();
        return app;
    }

    /// <summary>Turns "host:port" or ":port" into a Kestrel URL.</summary>
    public static string Url(string address)
    {
        var colon = address.LastIndexOf(':');
        if (colon < 0 || !int.TryParse(address[(colon + 1)..], out _))
        {
            throw new FormatException($"--metrics-address: '{address}' is not host:port or :port.");
        }

        var host = address[..colon];
        return $"http://{(host.Length == 0 || host == "0.0.0.0" ? "*" : host)}:{address[(colon + 1)..]}";
    }
}
