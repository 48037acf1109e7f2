using k8s.Models;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tandem.Api.V1Alpha1;
using Tandem.Engines.Clients;
using Tandem.Operator.Autoscaling;
using Tandem.Operator.ControlTls;
using Tandem.Operator.Deployments;
using Tandem.Operator.Instances;
using Tandem.Operator.Pools;
using Tandem.Runtime;
using Tandem.Runtime.Metrics;

namespace Tandem.Operator.Hosting;

/// <summary>Registers Tandem's controllers and autoscaler on top of the controller runtime.</summary>
public static class OperatorServiceCollectionExtensions
{
    public static IServiceCollection AddTandemOperator(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddTandemRuntime(configuration);
        services.AddOptions<OperatorOptions>().Bind(configuration.GetSection(OperatorOptions.SectionName));

        services.AddController<InferenceDeployment, InferenceDeploymentReconciler>()
            .Owns<EnginePool>()
            .Owns<V1Service>()
            .Owns<V1Deployment>()
            .Owns<V1NetworkPolicy>()
            .Owns<V1Pod>()
            .Watches<V1Pod>(AnyPodOf)
            .Triggers<ScalingStateStore>();
        services.AddInformer<ModelProfile>();
        services.AddController<EnginePool, EnginePoolReconciler>()
            .Watches<V1Pod>(PoolsOf);
        services.AddInformer<V1Pod>();

        services.TryAddSingleton(sp => new AutoscalerMetrics(sp.GetRequiredService<RuntimeMetrics>().Registry));
        services.TryAddSingleton<ScalingStateStore>();
        // Control ports take only the operator's client certificate, issued from the installation's CA.
        services.TryAddSingleton<ControlAuthority>();
        services.TryAddSingleton<ControlTlsSecrets>();
        services.AddHostedService<ControlAuthorityRefresher>();
        services.TryAddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<OperatorOptions>>().Value;
            return new EngineFleet(
                new ControlClientOptions { CallDeadline = o.ControlCallDeadline, MaxRetries = o.ControlCallRetries, Time = sp.GetRequiredService<TimeProvider>(), Credentials = sp.GetRequiredService<ControlAuthority>() },
                sp.GetRequiredService<ILogger<EngineFleet>>());
        });
        services.TryAddSingleton<LeaderFence>();
        services.TryAddSingleton<FleetObserver>();
        services.TryAddSingleton<ActionExecutor>();
        services.TryAddSingleton<RolloutExecutor>();
        services.TryAddSingleton<MembershipPublisher>();
        services.TryAddSingleton<DeploymentScaler>();

        // The autoscaler: a second controller keyed by InferenceDeployment, fed by its pools and engine pods too.
        var autoscaling = configuration.GetSection(OperatorOptions.SectionName).Get<OperatorOptions>() ?? new OperatorOptions();
        services.AddController<InferenceDeployment, AutoscalerReconciler>(AutoscalerReconciler.ControllerName)
            .Owns<EnginePool>()
            .Watches<V1Pod>(DeploymentOf)
            .WithBackoff(new Tandem.Runtime.Queue.ExponentialBackoff(autoscaling.AutoscalerBaseBackoff, autoscaling.AutoscalerMaxBackoff));
        services.PostConfigure<RuntimeOptions>(o =>
        {
            o.ControllerWorkers.TryAdd(AutoscalerReconciler.ControllerName, autoscaling.AutoscalerWorkers);
            o.ControllerWorkers.TryAdd("inferencedeployment", autoscaling.DeploymentWorkers);
        });
        return services;
    }

    // An engine pod's change is the autoscaler's business at once (a pod came, went, or got its address).
    private static IEnumerable<ReconcileRequest> DeploymentOf(V1Pod pod) =>
        InstanceLabels.Label(pod, WellKnownLabels.Component) == InstanceLabels.Components.Engine && InstanceLabels.Label(pod, WellKnownLabels.Deployment) is { } deployment
            ? [new ReconcileRequest(pod.Metadata.NamespaceProperty, deployment)]
            : [];

    // Any pod of a deployment (engine or router) feeds its status: readiness, role and state labels.
    private static IEnumerable<ReconcileRequest> AnyPodOf(V1Pod pod) =>
        InstanceLabels.Label(pod, WellKnownLabels.Deployment) is { } deployment ? [new ReconcileRequest(pod.Metadata.NamespaceProperty, deployment)] : [];

    // An engine pod's change re-reconciles its role's pool (labels name the deployment and the role).
    private static IEnumerable<ReconcileRequest> PoolsOf(V1Pod pod)
    {
        if (InstanceLabels.Label(pod, WellKnownLabels.Component) != InstanceLabels.Components.Engine || InstanceLabels.Label(pod, WellKnownLabels.Deployment) is not { } deployment)
        {
            return [];
        }

        // Both pools: a pod leaving a role (mutation, drain) changes the pool it left.
        return
        [
            new ReconcileRequest(pod.Metadata.NamespaceProperty, deployment + "-prefill"),
            new ReconcileRequest(pod.Metadata.NamespaceProperty, deployment + "-decode"),
        ];
    }
}
