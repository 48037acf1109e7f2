using k8s.Models;
using Tandem.Api.V1Alpha1;
using Tandem.Operator.Instances;
using Tandem.Scaling.Lifecycle;

namespace Tandem.Operator.Deployments;

/// <summary>
/// The children of an InferenceDeployment: one EnginePool per role, the router Deployment and Service, and a
/// headless Service per role (so Kubernetes-native routers can follow the role's EndpointSlices).
/// </summary>
public static class ChildResources
{
    /// <summary>Name of the router Deployment and Service.</summary>
    public static string RouterName(string deployment) => deployment + "-router";

    /// <summary>A role's EnginePool, created with the role's minimum; the autoscaler or an external scaler owns replicas after that.</summary>
    public static EnginePool Pool(InferenceDeployment deployment, InstanceRole role) => new()
    {
        Metadata = Meta(deployment, InstanceNaming.PoolName(deployment.Metadata.Name, role), InstanceLabels.Components.Engine),
        Spec = new EnginePoolSpec
        {
            Role = role == InstanceRole.Prefill ? EngineRole.Prefill : EngineRole.Decode,
            Replicas = role == InstanceRole.Prefill ? deployment.Spec.Scaling.Prefill.Min : deployment.Spec.Scaling.Decode.Min,
        },
    };

    /// <summary>The router Deployment; the operator sends it membership over RouterControl.</summary>
    public static V1Deployment RouterDeployment(InferenceDeployment deployment)
    {
        var router = deployment.Spec.Router;
        var labels = InstanceLabels.ForDeployment(deployment, InstanceLabels.Components.Router);
        var port = router.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var controlPort = router.ControlPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = Meta(deployment, RouterName(deployment.Metadata.Name), InstanceLabels.Components.Router),
            Spec = new V1DeploymentSpec
            {
                Replicas = router.Replicas,
                Selector = new V1LabelSelector { MatchLabels = Selector(deployment, InstanceLabels.Components.Router) },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = labels },
                    Spec = new V1PodSpec
                    {
                        Containers =
                        [
                            new V1Container
                            {
                                Name = "router",
                                Image = router.Image,
                                // The router takes one instance-choice policy today; it applies the prefill choice to both roles.
                                Args = ["router", "--listen", $"$({PodEnvironment.PodIp}):" + port, "--control-port", controlPort, "--policy", Choice(router.InstanceChoice.Prefill), .. ControlTlsMount.Arguments()],
                                Env = [new V1EnvVar { Name = PodEnvironment.PodIp, ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "status.podIP" } } }],
                                Ports =
                                [
                                    new V1ContainerPort { Name = "http", ContainerPort = router.Port },
                                    new V1ContainerPort { Name = "control", ContainerPort = router.ControlPort },
                                ],
                                ReadinessProbe = new V1Probe { HttpGet = new V1HTTPGetAction { Path = "/health", Port = router.Port }, PeriodSeconds = 5 },
                                LivenessProbe = new V1Probe { HttpGet = new V1HTTPGetAction { Path = "/health", Port = router.Port }, PeriodSeconds = 10, FailureThreshold = 3 },
                                // Requests keep the router out of QoS BestEffort; the limit bounds a runaway queue.
                                Resources = new V1ResourceRequirements
                                {
                                    Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("250m"), ["memory"] = new("256Mi") },
                                    Limits = new Dictionary<string, ResourceQuantity> { ["memory"] = new("1Gi") },
                                },
                                // Tandem's image runs as a non-root user: the restricted Pod Security Standard.
                                SecurityContext = EngineSecurityDefaults.Container(nonRoot: true),
                                VolumeMounts = [ControlTlsMount.Mount(), WritableTmp.Mount()],
                            },
                        ],
                        SecurityContext = EngineSecurityDefaults.Pod(nonRoot: true),
                        // The router never calls the Kubernetes API; its control port takes only the operator (mutual TLS).
                        AutomountServiceAccountToken = false,
                        Volumes = [ControlTlsMount.Volume(deployment), WritableTmp.Volume()],
                    },
                },
            },
        };
    }

    /// <summary>
    /// The router's Service: the deployment's single entry point for requests. It publishes the HTTP port only: the
    /// control port is for the operator, which reaches router pods by pod IP.
    /// </summary>
    public static V1Service RouterService(InferenceDeployment deployment) => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        Metadata = Meta(deployment, RouterName(deployment.Metadata.Name), InstanceLabels.Components.Router),
        Spec = new V1ServiceSpec
        {
            Selector = Selector(deployment, InstanceLabels.Components.Router),
            Ports =
            [
                new V1ServicePort { Name = "http", Port = deployment.Spec.Router.Port, TargetPort = deployment.Spec.Router.Port },
            ],
        },
    };

    /// <summary>A headless Service selecting a role's active engine pods.</summary>
    public static V1Service RoleService(InferenceDeployment deployment, InstanceRole role)
    {
        var selector = Selector(deployment, InstanceLabels.Components.Engine);
        selector[WellKnownLabels.Role] = InstanceLabels.Text(role);
        selector[WellKnownLabels.State] = InstanceLabels.Text(InstanceState.Active);
        return new V1Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = Meta(deployment, InstanceNaming.PoolName(deployment.Metadata.Name, role), InstanceLabels.Components.Engine),
            Spec = new V1ServiceSpec
            {
                ClusterIP = "None",
                Selector = selector,
                PublishNotReadyAddresses = false,
                Ports = [new V1ServicePort { Name = "http", Port = deployment.Spec.Engine.Ports.Serving, TargetPort = deployment.Spec.Engine.Ports.Serving }],
            },
        };
    }

    private static V1ObjectMeta Meta(InferenceDeployment deployment, string name, string component) => new()
    {
        Name = name,
        NamespaceProperty = deployment.Metadata.NamespaceProperty,
        Labels = InstanceLabels.ForDeployment(deployment, component),
        OwnerReferences = [Owners.ControllerReference(deployment)],
    };

    private static Dictionary<string, string> Selector(InferenceDeployment deployment, string component) => new()
    {
        [WellKnownLabels.Deployment] = deployment.Metadata.Name,
        [WellKnownLabels.Component] = component,
    };

    private static string Choice(InstanceChoice choice) => k8s.KubernetesJson.Serialize(choice).Trim('"');
}
