using k8s.Models;
using Tandem.Api.V1Alpha1;
using Tandem.Operator.Instances;
using Tandem.Scaling.Lifecycle;

namespace Tandem.Operator.Tests.Instances;

/// <summary>
/// What makes an engine pod outdated: its template hash label changes with anything that needs new pods (ports, image,
/// args, resources, the model) and not with what differs between instances (name, role and state labels). Pods are
/// reached on the ports they were created with, not the current spec's.
/// </summary>
public class PodTemplateHashTests
{
    private static string Hash(Action<InferenceDeploymentSpec>? edit = null, ModelProfile? profile = null) =>
        EnginePodBuilder.TemplateHash(TestObjects.Deployment(edit: edit), profile ?? TestObjects.Profile());

    [Fact]
    public void Instances_of_one_template_share_its_hash_whatever_their_name_role_or_state()
    {
        var deployment = TestObjects.Deployment();
        var a = EnginePodBuilder.Build(deployment, TestObjects.Profile(), "chat-engine-0");
        var b = EnginePodBuilder.Build(deployment, TestObjects.Profile(), "chat-engine-7");
        b.Metadata.Labels[WellKnownLabels.State] = InstanceLabels.Text(InstanceState.Active);
        b.Metadata.Labels[WellKnownLabels.Role] = "decode";

        Assert.Equal(PodTemplateHash.Read(a), PodTemplateHash.Read(b));
        Assert.Equal(PodTemplateHash.Read(a), PodTemplateHash.Of(b));
        Assert.Equal(Hash(), PodTemplateHash.Read(a));
    }

    public static TheoryData<string, Action<InferenceDeploymentSpec>> Edits() => new()
    {
        { "engine.ports.control", s => s.Engine.Ports.Control = 9001 },
        { "engine.ports.serving", s => s.Engine.Ports.Serving = 8100 },
        { "engine.image", s => s.Engine.Image = "example/engine:2" },
        { "engine.args", s => s.Engine.Args = ["--verbose"] },
        { "engine.resources.cpu", s => s.Engine.Resources.Cpu = "6" },
        { "engine.env", s => s.Engine.Env = [new EnvVarSpec { Name = "X", Value = "1" }] },
    };

    [Theory]
    [MemberData(nameof(Edits))]
    public void An_edit_that_needs_new_pods_changes_the_hash(string field, Action<InferenceDeploymentSpec> edit) =>
        Assert.True(Hash() != Hash(edit), $"{field} did not change the template hash");

    [Fact]
    public void A_changed_model_profile_changes_the_hash()
    {
        var profile = TestObjects.Profile();
        profile.Spec.KvCacheBlocks = 12345;

        Assert.NotEqual(Hash(), Hash(profile: profile));
    }

    [Fact]
    public void Scaling_settings_do_not_need_new_pods()
    {
        Assert.Equal(Hash(), Hash(s => s.Scaling.Prefill.Max = 7));
    }

    [Theory]
    [InlineData(EngineAdapter.Mock, 9000, 8000)]
    [InlineData(EngineAdapter.Vllm, 8000, 8000)]
    public void A_pod_is_reached_on_the_ports_it_was_created_with_after_the_spec_moved_them(EngineAdapter adapter, int control, int serving)
    {
        var made = TestObjects.Deployment(edit: s => s.Engine.Adapter = adapter);
        var pod = EnginePodBuilder.Build(made, TestObjects.Profile(), "chat-engine-0");
        var moved = TestObjects.Deployment(edit: s => (s.Engine.Adapter, s.Engine.Ports.Control, s.Engine.Ports.Serving, s.Engine.Ports.Metrics) = (EngineAdapter.Mock, 9001, 8100, 8100));

        Assert.Equal((control, serving), (EnginePodPorts.Control(pod, moved.Spec.Engine), EnginePodPorts.Serving(pod, moved.Spec.Engine)));
        Assert.Equal(adapter == EngineAdapter.Vllm, EnginePodBuilder.IsVllm(pod, moved.Spec.Engine));
    }

    [Fact]
    public void A_pod_without_named_ports_falls_back_to_the_spec()
    {
        var deployment = TestObjects.Deployment();
        var bare = new V1Pod { Metadata = new V1ObjectMeta { Name = "x" }, Spec = new V1PodSpec { Containers = [new V1Container { Name = EnginePodBuilder.ContainerName }] } };

        Assert.Equal((deployment.Spec.Engine.Ports.Control, deployment.Spec.Engine.Ports.Serving),
            (EnginePodPorts.Control(bare, deployment.Spec.Engine), EnginePodPorts.Serving(bare, deployment.Spec.Engine)));
    }
}
