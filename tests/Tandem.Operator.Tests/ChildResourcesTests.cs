using Tandem.Api.V1Alpha1;
using Tandem.Operator.Deployments;
using Tandem.Operator.Instances;
using Tandem.Scaling.Lifecycle;

namespace Tandem.Operator.Tests;

public class ChildResourcesTests
{
    [Fact]
    public void Engine_pod_requests_the_models_tensor_parallel_gpus_and_is_owned_by_the_deployment()
    {
        var pod = EnginePodBuilder.Build(TestObjects.Deployment(), TestObjects.Profile(), "chat-engine-0");

        var container = Assert.Single(pod.Spec.Containers);
        Assert.Equal("2", container.Resources.Limits["nvidia.com/gpu"].ToString());
        Assert.Equal("2", container.Resources.Requests["nvidia.com/gpu"].ToString());
        var owner = Assert.Single(pod.Metadata.OwnerReferences);
        Assert.Equal(("InferenceDeployment", "chat", true), (owner.Kind, owner.Name, owner.Controller == true));
        Assert.Equal("pending", pod.Metadata.Labels[WellKnownLabels.State]);
        Assert.Equal("chat", pod.Metadata.Labels[WellKnownLabels.Deployment]);
        Assert.Equal(60, pod.Spec.TerminationGracePeriodSeconds);
        Assert.Contains("--standby", container.Args);
        Assert.Contains(container.Env, e => e.Name == EnginePodBuilder.ProfileVariable && e.Value.Contains("\"prefillTokensPerSecond\":12000"));
        Assert.Contains(container.Env, e => e.Name == EnginePodBuilder.FeaturesVariable && e.Value == "mutate,fast-load");
    }

    [Fact]
    public void User_gpus_env_and_args_override_and_extend_the_defaults()
    {
        var deployment = TestObjects.Deployment(edit: s =>
        {
            s.Engine.Resources.Gpus = 4;
            s.Engine.Env = [new EnvVarSpec { Name = "LOG_LEVEL", Value = "INFO" }];
            s.Engine.Args = ["--max-num-seqs", "256"];
        });

        var container = EnginePodBuilder.Build(deployment, TestObjects.Profile(), "chat-engine-1").Spec.Containers[0];

        Assert.Equal("4", container.Resources.Limits["nvidia.com/gpu"].ToString());
        Assert.Contains(container.Env, e => e.Name == "LOG_LEVEL" && e.Value == "INFO");
        Assert.Equal(["--max-num-seqs", "256"], container.Args.TakeLast(2));
    }

    [Fact]
    public void Pod_names_are_deterministic_and_reuse_the_lowest_free_ordinal()
    {
        var names = InstanceNaming.NextFree("chat", ["chat-engine-0", "chat-engine-2"], 3);

        Assert.Equal(["chat-engine-1", "chat-engine-3", "chat-engine-4"], names);
    }

    [Fact]
    public void Children_are_named_per_role_and_select_active_pods_of_the_role()
    {
        var deployment = TestObjects.Deployment();

        var pool = ChildResources.Pool(deployment, InstanceRole.Decode);
        var service = ChildResources.RoleService(deployment, InstanceRole.Decode);
        var router = ChildResources.RouterDeployment(deployment);

        Assert.Equal(("chat-decode", EngineRole.Decode, 1), (pool.Metadata.Name, pool.Spec.Role, pool.Spec.Replicas));
        Assert.Equal("None", service.Spec.ClusterIP);
        Assert.Equal("decode", service.Spec.Selector[WellKnownLabels.Role]);
        Assert.Equal("active", service.Spec.Selector[WellKnownLabels.State]);
        Assert.Equal("chat-router", router.Metadata.Name);
        Assert.Contains("$(POD_IP):11236", router.Spec.Template.Spec.Containers[0].Args);
        Assert.Equal("chat-decode", InstanceNaming.PoolName("chat", InstanceRole.Decode));
        Assert.Equal(
            "serving.tandem.dev/deployment=chat,app.kubernetes.io/component=engine,serving.tandem.dev/role=decode,serving.tandem.dev/state=active",
            InstanceLabels.RoleSelector("chat", InstanceRole.Decode));
    }

    [Fact]
    public void No_service_of_the_data_path_publishes_a_control_port()
    {
        var deployment = TestObjects.Deployment();
        var control = new[] { deployment.Spec.Router.ControlPort, deployment.Spec.Engine.Ports.Control };

        var services = new[] { ChildResources.RouterService(deployment), ChildResources.RoleService(deployment, InstanceRole.Prefill), ChildResources.RoleService(deployment, InstanceRole.Decode) };

        foreach (var service in services)
        {
            Assert.DoesNotContain(service.Spec.Ports, p => control.Contains(p.Port) || control.Contains(int.Parse(p.TargetPort.Value, System.Globalization.CultureInfo.InvariantCulture)));
        }
    }
}
