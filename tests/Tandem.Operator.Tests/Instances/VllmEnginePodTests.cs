using Tandem.Api.V1Alpha1;
using Tandem.Operator.Instances;
using Tandem.Operator.Specs;

namespace Tandem.Operator.Tests.Instances;

public class VllmEnginePodTests
{
    private static InferenceDeployment Vllm(Action<InferenceDeploymentSpec>? edit = null) => TestObjects.Deployment(edit: s =>
    {
        s.Engine.Adapter = EngineAdapter.Vllm;
        edit?.Invoke(s);
    });

    private static ModelProfile Profile()
    {
        var profile = TestObjects.Profile();
        profile.Spec.MaxModelLength = 8192;
        profile.Spec.GpuMemoryUtilization = 0.85;
        return profile;
    }

    [Fact]
    public void Vllm_pod_runs_vllm_serve_for_nixl_prefill_decode_with_the_profiles_numbers()
    {
        var container = EnginePodBuilder.Build(Vllm(), Profile(), "chat-engine-0").Spec.Containers[0];

        Assert.Equal(Defaults.VllmImage, container.Image);
        Assert.Equal(["vllm", "serve"], container.Command);
        Assert.Equal(
            [
                "meta-llama/Meta-Llama-3-8B-Instruct", "--port", "8000", "--served-model-name", "llama3-8b", "--tensor-parallel-size", "2",
                "--gpu-memory-utilization", "0.85", "--block-size", "64", "--kv-transfer-config", """{"kv_connector":"NixlConnector","kv_role":"kv_both"}""",
                "--enable-sleep-mode", "--no-enable-prefix-caching", "--max-model-len", "8192",
            ],
            container.Args);
        var env = container.Env.Where(e => e.Value is not null).ToDictionary(e => e.Name, e => e.Value);
        Assert.Equal("$(POD_IP)", env["VLLM_NIXL_SIDE_CHANNEL_HOST"]);
        Assert.Equal("5600", env["VLLM_NIXL_SIDE_CHANNEL_PORT"]);
        Assert.Equal("1", env["VLLM_SERVER_DEV_MODE"]);
        // $(POD_IP) expands only from a variable defined before it.
        var names = container.Env.Select(e => e.Name).ToList();
        Assert.True(names.IndexOf("POD_IP") < names.IndexOf("VLLM_NIXL_SIDE_CHANNEL_HOST"));
        Assert.Equal(["http", "nixl"], container.Ports.Select(p => p.Name));
        Assert.Equal(5600, container.Ports[1].ContainerPort);
    }

    [Fact]
    public void Every_flag_tandem_generates_is_an_argument_vllm_serve_declares()
    {
        var declared = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Instances", "vllm-serve-flags.txt"))
            .Where(l => l.StartsWith("--", StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);
        var deployment = Vllm(s =>
        {
            s.Engine.Batching.MaxBatchTokens = 8192;
            s.Engine.KvTransfer.RadixCache = true;
        });
        var profile = Profile();
        profile.Spec.Source.Tokenizer = "hf://meta-llama/Meta-Llama-3-8B-Instruct";

        var flags = EnginePodBuilder.Build(deployment, profile, "chat-engine-0").Spec.Containers[0].Args.Where(a => a.StartsWith("--", StringComparison.Ordinal)).ToArray();

        Assert.Equal(11, flags.Length);
        Assert.All(flags, flag => Assert.Contains(flag, declared));
        Assert.Contains("--enable-prefix-caching", flags);
        Assert.Contains("--max-num-batched-tokens", flags);
        Assert.Contains("--tokenizer", flags);
    }

    [Fact]
    public void A_deployment_that_names_no_adapter_or_image_gets_vllm_never_the_mock()
    {
        var deployment = k8s.KubernetesJson.Deserialize<InferenceDeployment>("""{"metadata":{"name":"chat","namespace":"default","uid":"u"},"spec":{"model":"llama3-8b"}}""");

        var container = EnginePodBuilder.Build(deployment, Profile(), "chat-engine-0").Spec.Containers[0];

        Assert.Equal(EngineAdapter.Vllm, deployment.Spec.Engine.Adapter);
        Assert.Equal(Defaults.VllmImage, container.Image);
        Assert.DoesNotContain("engine", container.Args);
    }

    [Fact]
    public void Fields_vllm_has_no_equivalent_for_are_refused_with_their_paths()
    {
        var deployment = Vllm(s =>
        {
            s.Features = [Feature.LiveScaling];
            s.Engine.Batching.Mode = BatchingMode.Static;
            s.Engine.KvTransfer.Granularity = KvTransferGranularity.Layer;
            s.Engine.Rdma.IbvRate = 100;
        });
        var profile = Profile();
        profile.Spec.PipelineParallelSize = 2;
        profile.Spec.KvBlockTokens = 48;

        var problems = EnginePodBuilder.Check(deployment, profile);

        Assert.Equal(6, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("spec.features: live-scaling", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("spec.engine.batching.mode:", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("spec.engine.kvTransfer.granularity:", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("spec.engine.rdma.ibvRate:", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("spec.pipelineParallelSize: 2", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("spec.kvBlockTokens: vLLM's --block-size", StringComparison.Ordinal));
        var (reason, message) = DeploymentValidation.Check(deployment, profile)!.Value;
        Assert.Equal("InvalidSpec", reason);
        Assert.Contains("spec.engine.batching.mode", message);
    }

    [Fact]
    public void Native_without_an_image_is_refused_and_mock_gets_tandems_image_and_engine_arguments()
    {
        var native = TestObjects.Deployment(edit: s => s.Engine.Adapter = EngineAdapter.Native);
        var mock = EnginePodBuilder.Build(TestObjects.Deployment(), Profile(), "chat-engine-0").Spec.Containers[0];

        Assert.Contains(EnginePodBuilder.Check(native, Profile()), p => p.StartsWith("spec.engine.image:", StringComparison.Ordinal));
        Assert.Equal(Defaults.Image, mock.Image);
        Assert.Equal("engine", mock.Args[0]);
        Assert.Null(mock.Command);
    }
}
