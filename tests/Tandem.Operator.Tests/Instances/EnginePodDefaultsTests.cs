using Tandem.Api.V1Alpha1;
using Tandem.Operator.Deployments;
using Tandem.Operator.Instances;

namespace Tandem.Operator.Tests.Instances;

public class EnginePodDefaultsTests
{
    [Theory]
    [InlineData(EngineAdapter.Vllm, "4", "16Gi")]
    [InlineData(EngineAdapter.Mock, "100m", "256Mi")]
    public void Engine_pods_request_cpu_and_memory_so_they_are_never_best_effort(EngineAdapter adapter, string cpu, string memory)
    {
        var deployment = TestObjects.Deployment(edit: s => s.Engine.Adapter = adapter);

        var resources = EnginePodBuilder.Build(deployment, TestObjects.Profile(), "chat-engine-0").Spec.Containers[0].Resources;

        Assert.Equal((cpu, memory), (resources.Requests["cpu"].ToString(), resources.Requests["memory"].ToString()));
        Assert.False(resources.Limits.ContainsKey("cpu"));
        Assert.Equal("2", resources.Limits["nvidia.com/gpu"].ToString());
    }

    [Fact]
    public void Cpu_and_memory_the_user_gives_are_request_and_limit()
    {
        var deployment = TestObjects.Deployment(edit: s => (s.Engine.Resources.Cpu, s.Engine.Resources.Memory) = ("8", "64Gi"));

        var resources = EnginePodBuilder.Build(deployment, TestObjects.Profile(), "chat-engine-0").Spec.Containers[0].Resources;

        Assert.Equal(("8", "64Gi"), (resources.Requests["cpu"].ToString(), resources.Requests["memory"].ToString()));
        Assert.Equal(("8", "64Gi"), (resources.Limits["cpu"].ToString(), resources.Limits["memory"].ToString()));
    }

    [Fact]
    public void Startup_probe_is_sized_from_the_models_storage_load_time_so_liveness_waits_for_the_load()
    {
        var profile = TestObjects.Profile();
        profile.Spec.LoadTime.Storage = "10m";
        var vllm = TestObjects.Deployment(edit: s => s.Engine.Adapter = EngineAdapter.Vllm);

        var container = EnginePodBuilder.Build(vllm, profile, "chat-engine-0").Spec.Containers[0];

        // 2 × 10 min of loading + 5 min for vLLM's graph capture, probed every 5 s.
        Assert.Equal(("/health", 5, 300), (container.StartupProbe.HttpGet.Path, container.StartupProbe.PeriodSeconds, container.StartupProbe.FailureThreshold));
        Assert.Null(container.LivenessProbe.InitialDelaySeconds);
        Assert.Equal("/health", container.LivenessProbe.HttpGet.Path);
        Assert.Equal("/health", container.ReadinessProbe.HttpGet.Path);
    }

    [Fact]
    public void Only_tensor_parallel_instances_get_a_memory_backed_dev_shm()
    {
        var single = TestObjects.Profile();
        single.Spec.TensorParallelSize = 1;

        var parallel = EnginePodBuilder.Build(TestObjects.Deployment(), TestObjects.Profile(), "chat-engine-0");
        var alone = EnginePodBuilder.Build(TestObjects.Deployment(), single, "chat-engine-0");

        var shm = Assert.Single(parallel.Spec.Volumes, v => v.EmptyDir?.Medium == "Memory");
        Assert.Equal(("dshm", "Memory"), (shm.Name, shm.EmptyDir.Medium));
        Assert.Equal("dshm", Assert.Single(parallel.Spec.Containers[0].VolumeMounts, m => m.MountPath == "/dev/shm").Name);
        Assert.DoesNotContain(alone.Spec.Volumes, v => v.Name == "dshm");
    }

    [Fact]
    public void Mock_and_router_pods_meet_the_restricted_pod_security_standard_and_vllm_pods_all_but_non_root()
    {
        var mock = EnginePodBuilder.Build(TestObjects.Deployment(), TestObjects.Profile(), "chat-engine-0");
        var vllm = EnginePodBuilder.Build(TestObjects.Deployment(edit: s => s.Engine.Adapter = EngineAdapter.Vllm), TestObjects.Profile(), "chat-engine-0");
        var router = ChildResources.RouterDeployment(TestObjects.Deployment()).Spec.Template.Spec;

        foreach (var (pod, container) in new[] { (mock.Spec.SecurityContext, mock.Spec.Containers[0].SecurityContext), (router.SecurityContext, router.Containers[0].SecurityContext) })
        {
            Assert.True(pod.RunAsNonRoot);
            Assert.Equal("RuntimeDefault", pod.SeccompProfile.Type);
            Assert.False(container.AllowPrivilegeEscalation);
            Assert.Equal(["ALL"], container.Capabilities.Drop);
        }

        Assert.Null(vllm.Spec.SecurityContext.RunAsNonRoot);
        Assert.Equal("RuntimeDefault", vllm.Spec.SecurityContext.SeccompProfile.Type);
        Assert.False(vllm.Spec.Containers[0].SecurityContext.AllowPrivilegeEscalation);
    }

    [Fact]
    public void Mock_and_router_pods_get_no_service_account_token_a_read_only_root_with_a_tmp_volume_and_their_control_tls_secret()
    {
        var deployment = TestObjects.Deployment();
        var mock = EnginePodBuilder.Build(deployment, TestObjects.Profile(), "chat-engine-0").Spec;
        var router = ChildResources.RouterDeployment(deployment).Spec.Template.Spec;

        foreach (var pod in new[] { mock, router })
        {
            var container = pod.Containers[0];
            Assert.False(pod.AutomountServiceAccountToken);
            Assert.True(container.SecurityContext.ReadOnlyRootFilesystem);
            Assert.Equal("chat-control-tls", Assert.Single(pod.Volumes, v => v.Secret is not null).Secret.SecretName);
            var tls = Assert.Single(container.VolumeMounts, m => m.Name == "control-tls");
            Assert.True(tls.ReadOnlyProperty);
            Assert.Contains(container.VolumeMounts, m => m.MountPath == "/tmp" && pod.Volumes.Single(v => v.Name == m.Name).EmptyDir is not null);
            var flag = container.Args.IndexOf("--control-tls");
            Assert.Equal(tls.MountPath, container.Args[flag + 1]);
        }
    }

    [Fact]
    public void Vllm_pods_get_no_service_account_token_and_no_control_secret_and_keep_a_writable_root_for_their_caches()
    {
        var vllm = EnginePodBuilder.Build(TestObjects.Deployment(edit: s => s.Engine.Adapter = EngineAdapter.Vllm), TestObjects.Profile(), "chat-engine-0").Spec;

        Assert.False(vllm.AutomountServiceAccountToken);
        Assert.DoesNotContain(vllm.Volumes ?? [], v => v.Secret is not null);
        Assert.Null(vllm.Containers[0].SecurityContext.ReadOnlyRootFilesystem);
    }

    [Fact]
    public void A_template_may_turn_the_service_account_token_back_on()
    {
        var deployment = TestObjects.Deployment(edit: s => s.Engine.Template = k8s.KubernetesJson.Deserialize<EnginePodTemplate>("""{"spec": {"automountServiceAccountToken": true}}"""));

        Assert.Empty(EnginePodBuilder.Check(deployment, TestObjects.Profile()));
        Assert.True(EnginePodBuilder.Build(deployment, TestObjects.Profile(), "chat-engine-0").Spec.AutomountServiceAccountToken);
    }

    [Fact]
    public void Router_pods_request_resources_and_have_readiness_and_liveness_probes()
    {
        var router = ChildResources.RouterDeployment(TestObjects.Deployment()).Spec.Template.Spec.Containers[0];

        Assert.Equal(("250m", "256Mi"), (router.Resources.Requests["cpu"].ToString(), router.Resources.Requests["memory"].ToString()));
        Assert.Equal("1Gi", router.Resources.Limits["memory"].ToString());
        Assert.Equal("/health", router.ReadinessProbe.HttpGet.Path);
        Assert.Equal("/health", router.LivenessProbe.HttpGet.Path);
    }
}
