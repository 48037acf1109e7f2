using k8s;
using k8s.Models;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Tandem.Runtime;
using Tandem.Runtime.Client;
using Tandem.Runtime.Controllers;
using Tandem.Runtime.Events;
using Tandem.Runtime.Health;
using Tandem.Runtime.Hosting;
using Tandem.Runtime.Informers;
using Tandem.Runtime.LeaderElection;
using Tandem.Runtime.Metrics;
using Tandem.Runtime.Resources;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the controller runtime and controllers (every registration is TryAdd, so tests can override).</summary>
public static class RuntimeServiceCollectionExtensions
{
    /// <summary>
    /// Adds the runtime: options from the "Runtime" section, the singleton <see cref="IKubernetes"/> (with the QPS/burst
    /// limit), shared informers and <see cref="ICache{T}"/>, leader election, controller hosting, events, health checks
    /// and metrics. Hosted services start in order informers → leader election → controllers and stop in reverse.
    /// </summary>
    public static IServiceCollection AddTandemRuntime(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RuntimeOptions>()
            .Bind(configuration.GetSection(RuntimeOptions.SectionName))
            .PostConfigure(o => o.Namespaces = o.Namespaces
                .SelectMany(n => n.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                .Distinct(StringComparer.Ordinal).ToList())
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RuntimeOptions>, RuntimeOptionsValidator>());

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IKubernetes>(sp => CreateKubernetes(sp.GetRequiredService<IOptions<RuntimeOptions>>().Value, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<RuntimeMetrics>()));
        services.TryAddSingleton(typeof(IResourceClient<>), typeof(KubernetesResourceClient<>));
        services.TryAddSingleton<SharedInformerFactory>();
        services.TryAddSingleton(typeof(ICache<>), typeof(InformerCache<>));
        // A registry per host (not the static default): its own series only, plus process and GC stats. The default
        // registry's EventCounter adapter exports names promtool rejects (gauges ending in _count and _total).
        services.TryAddSingleton(_ =>
        {
            var registry = Prometheus.Metrics.NewCustomRegistry();
            Prometheus.DotNetStats.Register(registry);
            return new RuntimeMetrics(registry);
        });
        services.TryAddSingleton<Leadership>();
        services.TryAddSingleton<ILeadership>(sp => sp.GetRequiredService<Leadership>());
        services.TryAddSingleton<RuntimeStatus>();
        services.TryAddSingleton<IEventRecorder, EventRecorder>();

        services.AddHostedService<InformersHostedService>();
        services.AddHostedService<LeaderElectionHostedService>();
        services.AddHostedService<ControllersHostedService>();

        services.AddHealthChecks()
            .AddCheck("alive", () => Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Healthy(), tags: [Microsoft.AspNetCore.Builder.RuntimeEndpoints.LiveTag])
            .AddCheck<RuntimeReadinessCheck>("controller-runtime", tags: [Microsoft.AspNetCore.Builder.RuntimeEndpoints.ReadyTag]);
        return services;
    }

    /// <summary>
    /// Adds a controller for <typeparamref name="TEntity"/> whose reconciler is resolved from a fresh DI scope per
    /// reconcile. Changes to <typeparamref name="TEntity"/> enqueue it unless only its status changed. A second
    /// controller for the same kind (another loop keyed by the same objects) needs its own <paramref name="name"/>.
    /// </summary>
    public static ControllerBuilder<TEntity> AddController<TEntity, TReconciler>(this IServiceCollection services, string? name = null)
        where TEntity : class, IKubernetesObject<V1ObjectMeta>
        where TReconciler : class, IReconciler<TEntity>
    {
        services.TryAddScoped<TReconciler>();
        var type = ResourceType.Of<TEntity>();
        var registration = new ControllerRegistration(name ?? type.Kind.ToLowerInvariant(), type, static async (sp, request, ct) =>
        {
            await using var scope = sp.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<TReconciler>().ReconcileAsync(request, ct).ConfigureAwait(false);
        });
        registration.AddSource<TEntity>(e => [ReconcileRequest.For(e)], UpdateFilters.SpecOrMetadataChanged);
        services.AddSingleton(registration);
        return new ControllerBuilder<TEntity>(services, registration);
    }

    /// <summary>Starts an informer for <typeparamref name="T"/> at host start, for kinds read through <see cref="ICache{T}"/> only.</summary>
    public static IServiceCollection AddInformer<T>(this IServiceCollection services) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        services.AddSingleton(new InformerRegistration(typeof(T), f => f.GetInformer<T>()));
        return services;
    }

    private static Kubernetes CreateKubernetes(RuntimeOptions options, TimeProvider time, RuntimeMetrics metrics)
    {
        var config = !string.IsNullOrEmpty(options.Kubeconfig)
            ? KubernetesClientConfiguration.BuildConfigFromConfigFile(options.Kubeconfig)
            : KubernetesClientConfiguration.IsInCluster()
                ? KubernetesClientConfiguration.InClusterConfig()
                : KubernetesClientConfiguration.BuildDefaultConfig();
        return new Kubernetes(config, new ClientRateLimitingHandler(options.Qps, options.Burst, time), new RestClientMetricsHandler(metrics));
    }
}
