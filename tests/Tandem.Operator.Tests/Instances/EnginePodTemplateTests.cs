using k8s;
using k8s.Models;
using Tandem.Api.V1Alpha1;
using Tandem.Operator.Instances;
using Tandem.Operator.Specs;

namespace Tandem.Operator.Tests.Instances;

public class EnginePodTemplateTests
{
    private static InferenceDeployment WithTemplate(string templateJson) =>
        TestObjects.Deployment(edit: s => s.Engine.Template = KubernetesJson.Deserialize<EnginePodTemplate>(templateJson));

    [Fact]
    public void Volumes_secrets_affinity_service_account_and_labels_of_the_template_reach_every_engine_pod()
    {
        var deployment = WithTemplate("""
            {
              "metadata": {"labels": {"team": "search"}, "annotations": {"prometheus.io/scrape": "true"}},
              "spec": {
                "serviceAccountName": "engine",
                "priorityClassName": "inference-high",
                "runtimeClassName": "nvidia",
                "imagePullSecrets": [{"name": "registry"}],
                "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchExpressions": [{"key": "gpu", "operator": "In", "values": ["h100"]}]}]}}},
                "topologySpreadConstraints": [{"maxSkew": 1, "topologyKey": "kubernetes.io/hostname", "whenUnsatisfiable": "ScheduleAnyway"}],
                "tolerations": [{"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}],
                "volumes": [{"name": "models", "persistentVolumeClaim": {"claimName": "model-cache"}}],
                "containers": [
                  {"name": "engine",
                   "env": [{"name": "HF_TOKEN", "valueFrom": {"secretKeyRef": {"name": "hf", "key": "token"}}}],
                   "envFrom": [{"configMapRef": {"name": "engine-settings"}}],
                   "volumeMounts": [{"name": "models", "mountPath": "/models"}]},
                  {"name": "log-shipper", "image": "fluent-bit:3"}
                ]
              }
            }
            """);

        var (pod, problems) = (EnginePodBuilder.Build(deployment, TestObjects.Profile(), "chat-engine-0"), EnginePodBuilder.Check(deployment, TestObjects.Profile()));

        Assert.Empty(problems);
        Assert.Equal("search", pod.Metadata.Labels["team"]);
        Assert.Equal("chat", pod.Metadata.Labels[WellKnownLabels.Deployment]);
        Assert.Equal("true", pod.Metadata.Annotations["prometheus.io/scrape"]);
        Assert.Equal(("engine", "inference-high", "nvidia"), (pod.Spec.ServiceAccountName, pod.Spec.PriorityClassName, pod.Spec.RuntimeClassName));
        Assert.Equal("registry", Assert.Single(pod.Spec.ImagePullSecrets).Name);
        Assert.Equal("h100", pod.Spec.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms[0].MatchExpressions[0].Values[0]);
        Assert.Single(pod.Spec.TopologySpreadConstraints);
        Assert.Single(pod.Spec.Tolerations);
        // The template's volume beside Tandem's own: /dev/shm, the control TLS Secret and /tmp.
        Assert.Equal(["control-tls", "dshm", "models", "tmp"], pod.Spec.Volumes.Select(v => v.Name).Order());
        var engine = pod.Spec.Containers[0];
        Assert.Equal("engine", engine.Name);
        Assert.Equal(Defaults.Image, engine.Image);
        Assert.Contains(engine.Env, e => e.Name == "HF_TOKEN" && e.ValueFrom.SecretKeyRef.Name == "hf");
        Assert.Contains(engine.Env, e => e.Name == EnginePodBuilder.ProfileVariable);
        Assert.Equal("engine-settings", Assert.Single(engine.EnvFrom).ConfigMapRef.Name);
        Assert.Equal(["/dev/shm", "/etc/tandem/control-tls", "/models", "/tmp"], engine.VolumeMounts.Select(m => m.MountPath).Order());
        Assert.Equal("log-shipper", pod.Spec.Containers[1].Name);
    }

    [Fact]
    public void Template_that_sets_tandems_own_fields_is_refused_with_each_field_path()
    {
        var deployment = WithTemplate("""
            {
              "metadata": {"labels": {"app.kubernetes.io/component": "web"}},
              "spec": {
                "terminationGracePeriodSeconds": 5,
                "containers": [{"name": "engine", "image": "other:1", "args": ["--x"],
                                "resources": {"limits": {"nvidia.com/gpu": "8"}}}]
              }
            }
            """);

        var problems = EnginePodBuilder.Check(deployment, TestObjects.Profile());

        Assert.Equal(
            [
                "spec.engine.template.metadata.labels.app.kubernetes.io/component",
                "spec.engine.template.spec.containers[engine].args",
                "spec.engine.template.spec.containers[engine].image",
                "spec.engine.template.spec.containers[engine].resources.limits.nvidia.com/gpu",
                "spec.engine.template.spec.terminationGracePeriodSeconds",
            ],
            problems.Select(p => p[..p.IndexOf(": ", StringComparison.Ordinal)]).Order(StringComparer.Ordinal));
        var (reason, message) = DeploymentValidation.Check(deployment, TestObjects.Profile())!.Value;
        Assert.Equal("InvalidSpec", reason);
        Assert.Contains("spec.engine.template.spec.containers[engine].image: set by Tandem from spec.engine.image", message);
        Assert.Throws<InvalidOperationException>(() => EnginePodBuilder.Build(deployment, TestObjects.Profile(), "chat-engine-0"));
    }

    [Fact]
    public void Template_security_context_probes_and_memory_replace_tandems_defaults_but_not_the_users_values()
    {
        var template = """
            {"spec": {
              "securityContext": {"runAsUser": 1000, "runAsNonRoot": true, "fsGroup": 1000},
              "containers": [{"name": "engine",
                "securityContext": {"readOnlyRootFilesystem": true},
                "startupProbe": {"httpGet": {"path": "/health", "port": 8000}, "failureThreshold": 600},
                "resources": {"requests": {"memory": "64Gi"}, "limits": {"memory": "96Gi"}}}]}}
            """;
        var pod = EnginePodBuilder.Build(WithTemplate(template), TestObjects.Profile(), "chat-engine-0");
        var userCpu = TestObjects.Deployment(edit: s =>
        {
            s.Engine.Resources.Memory = "32Gi";
            s.Engine.Template = KubernetesJson.Deserialize<EnginePodTemplate>(template);
        });

        Assert.Equal(1000, pod.Spec.SecurityContext.RunAsUser);
        Assert.True(pod.Spec.Containers[0].SecurityContext.ReadOnlyRootFilesystem);
        Assert.Equal(600, pod.Spec.Containers[0].StartupProbe.FailureThreshold);
        Assert.Equal("64Gi", pod.Spec.Containers[0].Resources.Requests["memory"].ToString());
        Assert.Equal("96Gi", pod.Spec.Containers[0].Resources.Limits["memory"].ToString());
        Assert.Contains(EnginePodBuilder.Check(userCpu, TestObjects.Profile()), p => p.StartsWith("spec.engine.template.spec.containers[engine].resources.requests.memory: set by spec.engine.resources.memory", StringComparison.Ordinal));
    }

    [Fact]
    public void A_template_that_mounts_its_own_dev_shm_replaces_tandems()
    {
        var pod = EnginePodBuilder.Build(WithTemplate("""
            {"spec": {"volumes": [{"name": "shm", "emptyDir": {"medium": "Memory", "sizeLimit": "32Gi"}}],
                      "containers": [{"name": "engine", "volumeMounts": [{"name": "shm", "mountPath": "/dev/shm"}]}]}}
            """), TestObjects.Profile(), "chat-engine-0");

        var volume = Assert.Single(pod.Spec.Volumes, v => v.EmptyDir?.Medium == "Memory");
        Assert.Equal(("shm", "32Gi"), (volume.Name, volume.EmptyDir.SizeLimit.ToString()));
        Assert.Equal("shm", Assert.Single(pod.Spec.Containers[0].VolumeMounts, m => m.MountPath == "/dev/shm").Name);
    }
}
