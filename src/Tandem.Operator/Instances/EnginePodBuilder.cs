using k8s;
using k8s.Models;
using Tandem.Api.V1Alpha1;
using Tandem.Scaling.Lifecycle;

namespace Tandem.Operator.Instances;

/// <summary>
/// Builds an engine pod from the deployment's engine spec and its ModelProfile. Every pod starts as a standby instance
/// (weights not loaded); the fast tier activates it into a role over EngineControl.
/// </summary>
public static class EnginePodBuilder
{
    /// <summary>Environment variable holding the ModelProfile spec as JSON, which the engine reads at start.</summary>
    public const string ProfileVariable = PodEnvironment.ModelProfile;

    /// <summary>Environment variable listing the deployment's features, comma-separated.</summary>
    public const string FeaturesVariable = PodEnvironment.Features;

    /// <summary>The engine pod <paramref name="name"/> of <paramref name="deployment"/>.</summary>
    public static V1Pod Build(InferenceDeployment deployment, ModelProfile profile, string name)
    {
        var engine = deployment.Spec.Engine;
        var labels = InstanceLabels.ForDeployment(deployment, InstanceLabels.Components.Engine);
        labels[WellKnownLabels.State] = InstanceLabels.Text(InstanceState.Pending);
        var gpus = engine.Resources.Gpus ?? profile.Spec.TensorParallelSize;
        var limits = new Dictionary<string, ResourceQuantity>();
        if (gpus > 0)
        {
            limits[engine.Resources.GpuResourceName] = new ResourceQuantity(gpus.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (engine.Resources.Cpu is { } cpu)
        {
            limits["cpu"] = new ResourceQuantity(cpu);
        }

        if (engine.Resources.Memory is { } memory)
        {
            limits["memory"] = new ResourceQuantity(memory);
        }

        return new V1Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new V1ObjectMeta
            {
                Name = name,
                NamespaceProperty = deployment.Metadata.NamespaceProperty,
                Labels = labels,
                Annotations = new Dictionary<string, string> { [ApiGroup.Group + "/model"] = profile.Metadata.Name },
                OwnerReferences = [Owners.ControllerReference(deployment)],
            },
            Spec = new V1PodSpec
            {
                TerminationGracePeriodSeconds = engine.TerminationGracePeriodSeconds,
                NodeSelector = engine.NodeSelector,
                Tolerations = engine.Tolerations?.Select(t => new V1Toleration { Key = t.Key, OperatorProperty = t.Operator, Value = t.Value, Effect = t.Effect }).ToList(),
                Containers =
                [
                    new V1Container
                    {
                        Name = "engine",
                        Image = engine.Image,
                        ImagePullPolicy = engine.ImagePullPolicy.ToString(),
                        Command = engine.Command,
                        Args = Arguments(deployment),
                        Env = Environment(deployment, profile),
                        Ports =
                        [
                            new V1ContainerPort { Name = "http", ContainerPort = engine.Ports.Serving },
                            new V1ContainerPort { Name = "control", ContainerPort = engine.Ports.Control },
                        ],
                        Resources = new V1ResourceRequirements { Limits = limits, Requests = limits.Count > 0 ? new Dictionary<string, ResourceQuantity>(limits) : null },
                        ReadinessProbe = new V1Probe
                        {
                            HttpGet = new V1HTTPGetAction { Path = "/health", Port = engine.Ports.Serving },
                            PeriodSeconds = 5,
                        },
                        LivenessProbe = new V1Probe
                        {
                            HttpGet = new V1HTTPGetAction { Path = "/health", Port = engine.Ports.Serving },
                            PeriodSeconds = 10,
                            FailureThreshold = 6,
                        },
                    },
                ],
            },
        };
    }

    /// <summary>Engine arguments: Tandem's (for the default image) then the user's.</summary>
    public static List<string> Arguments(InferenceDeployment deployment)
    {
        var engine = deployment.Spec.Engine;
        var args = new List<string>();
        if (engine.Command is null && engine.Image == Defaults.Image)
        {
            args.AddRange(["engine", "--listen", $"$({PodEnvironment.PodIp})", "--port", engine.Ports.Serving.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--control-port", engine.Ports.Control.ToString(System.Globalization.CultureInfo.InvariantCulture), "--standby"]);
        }

        args.AddRange(engine.Args ?? []);
        return args;
    }

    private static List<V1EnvVar> Environment(InferenceDeployment deployment, ModelProfile profile)
    {
        var features = string.Join(',', (deployment.Spec.Features ?? []).Select(f => KubernetesJson.Serialize(f).Trim('"')));
        var env = new List<V1EnvVar>
        {
            new() { Name = PodEnvironment.PodIp, ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "status.podIP" } } },
            new() { Name = ProfileVariable, Value = KubernetesJson.Serialize(profile.Spec) },
            new() { Name = FeaturesVariable, Value = features },
            new() { Name = PodEnvironment.Model, Value = profile.Metadata.Name },
        };
        env.AddRange((deployment.Spec.Engine.Env ?? []).Select(e => new V1EnvVar { Name = e.Name, Value = e.Value }));
        return env;
    }
}
