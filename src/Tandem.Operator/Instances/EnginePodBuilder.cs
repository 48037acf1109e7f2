using System.Globalization;
using k8s;
using k8s.Models;
using Tandem.Api.V1Alpha1;
using Tandem.Scaling.Lifecycle;

namespace Tandem.Operator.Instances;

/// <summary>
/// Builds an engine pod from the deployment's engine spec and its ModelProfile: the adapter's command (vllm serve, or
/// Tandem's mock engine), resources that are never BestEffort, probes sized from the model's load time, a default
/// securityContext, /dev/shm for tensor parallelism, then engine.template merged in. <see cref="Check"/> lists what
/// cannot be built, so a bad spec is reported before any pod is touched.
/// </summary>
public static class EnginePodBuilder
{
    /// <summary>Environment variable holding the ModelProfile spec as JSON, which the engine reads at start.</summary>
    public const string ProfileVariable = PodEnvironment.ModelProfile;

    /// <summary>Environment variable listing the deployment's features, comma-separated.</summary>
    public const string FeaturesVariable = PodEnvironment.Features;

    /// <summary>Annotation naming the adapter a pod was built for, so the operator talks to it the way it was made.</summary>
    public const string AdapterAnnotation = ApiGroup.Group + "/adapter";

    /// <summary>Whether <paramref name="pod"/> runs vLLM: its adapter annotation, else the spec's adapter.</summary>
    public static bool IsVllm(V1Pod pod, EngineSpec engine) =>
        pod.Metadata?.Annotations?.TryGetValue(AdapterAnnotation, out var adapter) == true ? adapter == "vllm" : engine.Adapter == EngineAdapter.Vllm;

    /// <summary>Name of the engine container.</summary>
    public const string ContainerName = "engine";

    /// <summary>Name of the memory-backed volume mounted at /dev/shm when an instance spans GPUs.</summary>
    public const string ShmVolume = "dshm";

    /// <summary>The engine pod <paramref name="name"/> of <paramref name="deployment"/>; throws when <see cref="Check"/> finds problems.</summary>
    public static V1Pod Build(InferenceDeployment deployment, ModelProfile profile, string name)
    {
        var (pod, problems) = Assemble(deployment, profile, name);
        return problems.Count == 0 ? pod : throw new InvalidOperationException(string.Join("; ", problems));
    }

    /// <summary>The template hash every engine pod of <paramref name="deployment"/> built now carries (<see cref="PodTemplateHash"/>).</summary>
    public static string TemplateHash(InferenceDeployment deployment, ModelProfile profile) =>
        PodTemplateHash.Read(Build(deployment, profile, deployment.Metadata.Name + "-template"))!;

    /// <summary>Every reason the engine pods of <paramref name="deployment"/> cannot be built (field path and rule); empty when they can.</summary>
    public static IReadOnlyList<string> Check(InferenceDeployment deployment, ModelProfile profile) =>
        Assemble(deployment, profile, deployment.Metadata.Name + "-check").Problems;

    private static (V1Pod Pod, IReadOnlyList<string> Problems) Assemble(InferenceDeployment deployment, ModelProfile profile, string name)
    {
        var engine = deployment.Spec.Engine;
        var problems = new List<string>();
        if (engine.Adapter == EngineAdapter.Vllm)
        {
            problems.AddRange(VllmServeCommand.Problems(deployment, profile));
        }

        if (engine.Adapter == EngineAdapter.Native && engine.Image is null)
        {
            problems.Add("spec.engine.image: adapter native needs an image of an engine that implements EngineControl");
            return (new V1Pod(), problems);
        }

        var labels = InstanceLabels.ForDeployment(deployment, InstanceLabels.Components.Engine);
        labels[WellKnownLabels.State] = InstanceLabels.Text(InstanceState.Pending);
        var gpus = engine.Resources.Gpus ?? profile.Spec.TensorParallelSize;
        var (startup, readiness, liveness) = EngineProbes.For(engine, profile);
        var container = new V1Container
        {
            Name = ContainerName,
            Image = EngineImage.Resolve(engine),
            ImagePullPolicy = engine.ImagePullPolicy.ToString(),
            Command = engine.Command ?? (engine.Adapter == EngineAdapter.Vllm ? [.. VllmServeCommand.Command] : null),
            Args = engine.Adapter == EngineAdapter.Vllm ? VllmServeCommand.Arguments(deployment, profile) : Arguments(deployment),
            Env = Environment(deployment, profile),
            Ports = Ports(engine),
            Resources = EngineResourceDefaults.Build(engine, gpus),
            StartupProbe = startup,
            ReadinessProbe = readiness,
            LivenessProbe = liveness,
            SecurityContext = EngineSecurityDefaults.Container(engine.Adapter),
        };
        var spec = new V1PodSpec
        {
            TerminationGracePeriodSeconds = engine.TerminationGracePeriodSeconds,
            NodeSelector = engine.NodeSelector,
            Tolerations = engine.Tolerations?.Select(t => new V1Toleration { Key = t.Key, OperatorProperty = t.Operator, Value = t.Value, Effect = t.Effect }).ToList(),
            SecurityContext = EngineSecurityDefaults.Pod(engine.Adapter),
            // Engines never call the Kubernetes API (a template may turn it back on, e.g. for workload identity).
            AutomountServiceAccountToken = false,
            Containers = [container],
        };
        spec.Volumes = [];
        container.VolumeMounts = [];
        if (profile.Spec.TensorParallelSize > 1 && !PodTemplateMerge.MountsShm(engine, ContainerName))
        {
            // Tensor-parallel workers exchange tensors through shared memory; a container's default /dev/shm is 64 MiB.
            spec.Volumes.Add(new V1Volume { Name = ShmVolume, EmptyDir = new V1EmptyDirVolumeSource { Medium = "Memory" } });
            container.VolumeMounts.Add(new V1VolumeMount { Name = ShmVolume, MountPath = "/dev/shm" });
        }

        if (EngineSecurityDefaults.ServesEngineControl(engine.Adapter))
        {
            // The control port takes only the operator's client certificate (mutual TLS with the deployment's Secret).
            spec.Volumes.Add(ControlTlsMount.Volume(deployment));
            container.VolumeMounts.Add(ControlTlsMount.Mount());
        }

        if (EngineSecurityDefaults.RunsAsNonRoot(engine.Adapter))
        {
            spec.Volumes.Add(WritableTmp.Volume());
            container.VolumeMounts.Add(WritableTmp.Mount());
        }

        spec.Volumes = spec.Volumes.Count > 0 ? spec.Volumes : null;
        container.VolumeMounts = container.VolumeMounts.Count > 0 ? container.VolumeMounts : null;

        var pod = new V1Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new V1ObjectMeta
            {
                Name = name,
                NamespaceProperty = deployment.Metadata.NamespaceProperty,
                Labels = labels,
                Annotations = new Dictionary<string, string>
                {
                    [ApiGroup.Group + "/model"] = profile.Metadata.Name,
                    [AdapterAnnotation] = KubernetesJson.Serialize(engine.Adapter).Trim('"'),
                },
                OwnerReferences = [Owners.ControllerReference(deployment)],
            },
            Spec = spec,
        };
        var defaulted = new HashSet<string>(StringComparer.Ordinal);
        if (engine.Resources.Cpu is null)
        {
            defaulted.Add("cpu");
        }

        if (engine.Resources.Memory is null)
        {
            defaulted.Add("memory");
        }

        var (merged, conflicts) = PodTemplateMerge.Apply(pod, engine, defaulted);
        problems.AddRange(conflicts);
        merged.Metadata.Labels ??= new Dictionary<string, string>();
        merged.Metadata.Labels[PodTemplateHash.Label] = PodTemplateHash.Of(merged);
        return (merged, problems);
    }

    /// <summary>Mock engine arguments (Tandem's, unless a command is given) then the user's; other adapters get the user's only.</summary>
    public static List<string> Arguments(InferenceDeployment deployment)
    {
        var engine = deployment.Spec.Engine;
        var args = new List<string>();
        if (engine.Command is null && engine.Adapter == EngineAdapter.Mock)
        {
            args.AddRange(["engine", "--listen", $"$({PodEnvironment.PodIp})", "--port", Text(engine.Ports.Serving), "--control-port", Text(engine.Ports.Control), "--standby", .. ControlTlsMount.Arguments()]);
        }

        args.AddRange(engine.Args ?? []);
        return args;
    }

    private static List<V1ContainerPort> Ports(EngineSpec engine) => engine.Adapter == EngineAdapter.Vllm
        ? [new() { Name = "http", ContainerPort = engine.Ports.Serving }, new() { Name = "nixl", ContainerPort = engine.Ports.KvSideChannel }]
        : [new() { Name = "http", ContainerPort = engine.Ports.Serving }, new() { Name = "control", ContainerPort = engine.Ports.Control }];

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
        if (deployment.Spec.Engine.Adapter == EngineAdapter.Vllm)
        {
            env.AddRange(VllmServeCommand.Environment(deployment.Spec.Engine));
        }
        else
        {
            env.Add(new V1EnvVar { Name = ControlTlsMount.Variable, Value = ControlTlsMount.MountPath });
        }

        env.AddRange((deployment.Spec.Engine.Env ?? []).Select(e => new V1EnvVar { Name = e.Name, Value = e.Value }));
        return env;
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
