using System.Text.Json.Nodes;
using k8s;
using Tandem.Api.Serialization;
using Tandem.Api.V1Alpha1;
using Tandem.Api.Validation;

namespace Tandem.Api.Tests;

public class ExampleTests
{
    public static TheoryData<string> ExampleFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(RepositoryPaths.Combine("examples"), "*.yaml", SearchOption.AllDirectories).Order())
        {
            data.Add(Path.GetRelativePath(RepositoryPaths.Root, file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ExampleFiles))]
    public void Every_example_is_admitted_and_passes_the_operators_check(string file)
    {
        var documents = YamlJson.ParseAll(File.ReadAllText(RepositoryPaths.Combine(file)))
            .Where(d => d["apiVersion"]?.GetValue<string>() == ApiGroup.GroupVersion)
            .ToArray();
        Assert.NotEmpty(documents);

        foreach (var document in documents)
        {
            var errors = Manifests.AdmitLikeApiServer(document);
            Assert.True(errors.Count == 0, $"{file}: {string.Join("; ", errors)}");
            var typed = document["kind"]!.GetValue<string>() switch
            {
                ModelProfile.KubeKind => ApiValidator.Validate(KubernetesJson.Deserialize<ModelProfile>(document.ToJsonString())),
                InferenceDeployment.KubeKind => ApiValidator.Validate(KubernetesJson.Deserialize<InferenceDeployment>(document.ToJsonString())),
                var other => throw new InvalidOperationException($"{file}: unexpected kind {other}"),
            };
            Assert.Empty(typed);
        }
    }

    [Fact]
    public void Seed_models_have_the_seed_numbers_and_a_profile_defined_twice_is_identical()
    {
        var profiles = Directory.GetFiles(RepositoryPaths.Combine("examples"), "*.yaml", SearchOption.AllDirectories)
            .SelectMany(f => YamlJson.ParseAll(File.ReadAllText(f)))
            .Where(d => d["kind"]?.GetValue<string>() == ModelProfile.KubeKind)
            .GroupBy(d => d["metadata"]!["name"]!.GetValue<string>())
            .ToDictionary(g => g.Key, g => g.ToArray());

        Assert.All(profiles.Values, copies => Assert.All(copies, c => Assert.True(JsonNode.DeepEquals(copies[0], c))));
        var seeds = new Dictionary<string, (int Tp, int R, int T, int Blocks, int Layers)>
        {
            ["llama2-7b"] = (1, 13000, 30000, 8000, 32),
            ["llama3-8b"] = (1, 12000, 60000, 30000, 32),
            ["mistral-24b"] = (2, 6000, 40000, 8000, 40),
            ["qwen-72b"] = (8, 7500, 40000, 8000, 80),
        };
        foreach (var (name, seed) in seeds)
        {
            var spec = KubernetesJson.Deserialize<ModelProfile>(profiles[name][0].ToJsonString()).Spec;
            Assert.Equal(seed, (spec.TensorParallelSize, spec.Throughput.PrefillTokensPerSecond, spec.Throughput.TransferTokensPerSecond, spec.KvCacheBlocks, spec.NumHiddenLayers));
        }
    }

    [Fact]
    public void Chat_example_uses_the_seed_bounds()
    {
        var chat = YamlJson.ParseAll(File.ReadAllText(RepositoryPaths.Combine("examples", "chat.yaml")))
            .Single(d => d["kind"]!.GetValue<string>() == InferenceDeployment.KubeKind);
        var scaling = KubernetesJson.Deserialize<InferenceDeployment>(chat.ToJsonString()).Spec.Scaling;

        Assert.Equal((1, 13), (scaling.Prefill.Min, scaling.Prefill.Max));
        Assert.Equal((0.5, 0.8), (scaling.Prefill.Utilization!.Lower, scaling.Prefill.Utilization.Upper));
        Assert.Equal((0.75, 0.95), (scaling.Decode.Utilization!.Lower, scaling.Decode.Utilization.Upper));
        Assert.Equal((0.2, 0.4), (scaling.Migration.Lower, scaling.Migration.Upper));
        Assert.Equal("333ms", scaling.ScaleDownDelay);
    }
}
