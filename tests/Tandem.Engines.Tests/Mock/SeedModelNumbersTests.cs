using k8s;
using Tandem.Api.Seeds;
using Tandem.Api.V1Alpha1;
using Tandem.Engines.Mock;
using Tandem.Scaling.Models;

namespace Tandem.Engines.Tests.Mock;

/// <summary>One source of model numbers (issue 11): the simulator, the mock engine and the examples agree on every seed model.</summary>
public sealed class SeedModelNumbersTests
{
    private static readonly string Examples = Path.Combine(AppContext.BaseDirectory, "../../../../../examples");

    [Fact]
    public void Simulator_mock_and_examples_have_identical_numbers_for_every_seed_model()
    {
        var files = Directory.GetFiles(Path.Combine(Examples, "models"), "*.yaml").Select(f => Path.GetFileNameWithoutExtension(f)).Order().ToArray();

        Assert.Equal(["llama2-7b", "llama3-8b", "mistral-24b", "qwen-72b"], files);
        Assert.Equal(files, SeedModels.Names);
        Assert.Equal(files, MockEngineProfile.Seeds.Keys.Order());
        foreach (var name in files)
        {
            var path = Path.Combine(Examples, "models", name + ".yaml");
            var example = KubernetesYaml.Deserialize<ModelProfile>(File.ReadAllText(path));
            var simulator = SeedModels.Get(name);
            var mock = MockEngineProfile.Seed(name);

            Assert.Equal(ModelProfileFile.Load(path), mock);
            Assert.Equal(ModelProfileNumbers.From(example), simulator);
            Assert.Equal(Numbers(mock), Numbers(simulator));
        }
    }

    [Theory]
    [InlineData("chat.yaml")]
    [InlineData("code.yaml")]
    public void A_deployment_example_carries_its_seed_models_numbers(string file)
    {
        var profile = ModelProfileFile.Load(Path.Combine(Examples, file));

        Assert.Equal(MockEngineProfile.Seed(profile.Name), profile);
    }

    [Fact]
    public void Simulator_reads_decode_step_load_times_cold_start_and_slos_from_ModelProfile_fields()
    {
        var profile = KubernetesYaml.Deserialize<ModelProfile>("""
            apiVersion: serving.tandem.dev/v1alpha1
            kind: ModelProfile
            metadata:
              name: custom
            spec:
              source:
                uri: hf://org/custom
              tensorParallelSize: 4
              numHiddenLayers: 48
              kvCacheBlocks: 5000
              kvBlockTokens: 32
              throughput:
                prefillTokensPerSecond: 9000
                transferTokensPerSecond: 25000
                decodeStepMillis: 17
                decodeStepMillisPerRequest: 0.3
              loadTime:
                storage: 45s
                hostCache: 4s
                peer: 1500ms
                coldStart: 1m30s
              slo:
                ttftScale: 5
                tpot: 120ms
            """);

        var numbers = ModelProfileNumbers.From(profile);

        Assert.Equal(("custom", 9000.0, 25000.0, 5000, 32, 4, 48), (numbers.Name, numbers.PrefillTokensPerSecond, numbers.TransferTokensPerSecond, numbers.KvBlocksPerInstance, numbers.KvBlockTokens, numbers.GpusPerInstance, numbers.NumHiddenLayers));
        Assert.Equal((TimeSpan.FromMilliseconds(17), TimeSpan.FromMilliseconds(0.3)), (numbers.DecodeStepBase, numbers.DecodeStepPerSequence));
        Assert.Equal(0.017 + 10 * 0.0003, numbers.DecodeStepSeconds(10), 9);
        Assert.Equal((TimeSpan.FromSeconds(45), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(90)), (numbers.LoadFromStorage, numbers.LoadFromHostCache, numbers.LoadFromPeer, numbers.ColdStart));
        Assert.Equal((TimeSpan.FromMilliseconds(120), 5.0), (numbers.TpotSlo, numbers.TtftSloScale));
    }

    [Fact]
    public void A_bad_cold_start_is_refused_naming_the_field()
    {
        var profile = SeedModelProfiles.All[0];
        var bad = KubernetesYaml.Deserialize<ModelProfile>(KubernetesYaml.Serialize(profile));
        bad.Spec.LoadTime.ColdStart = "soon";

        var error = Assert.Throws<FormatException>(() => ModelProfileNumbers.From(bad));

        Assert.Contains("spec.loadTime.coldStart", error.Message);
    }

    /// <summary>The numbers both sides have, in the simulator's units.</summary>
    private static object Numbers(MockEngineProfile m) =>
        (m.Name, m.PrefillTokensPerSecond, m.TransferTokensPerSecond, m.KvCacheBlocks, m.KvBlockTokens, m.TensorParallelSize, m.NumHiddenLayers,
            TimeSpan.FromMilliseconds(m.DecodeStepMillis), TimeSpan.FromMilliseconds(m.DecodeStepMillisPerRequest), m.LoadFromStorage, m.LoadFromHostCache, m.LoadFromPeer);

    private static object Numbers(ModelNumbers s) =>
        (s.Name, s.PrefillTokensPerSecond, s.TransferTokensPerSecond, s.KvBlocksPerInstance, s.KvBlockTokens, s.GpusPerInstance, s.NumHiddenLayers,
            s.DecodeStepBase, s.DecodeStepPerSequence, s.LoadFromStorage, s.LoadFromHostCache, s.LoadFromPeer);
}
