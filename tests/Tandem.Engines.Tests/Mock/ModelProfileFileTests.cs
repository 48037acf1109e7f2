using System.Net;
using Tandem.Engines.Mock;

namespace Tandem.Engines.Tests.Mock;

public sealed class ModelProfileFileTests
{
    [Fact]
    public void Full_model_profile_object_maps_every_field()
    {
        var profile = ModelProfileFile.Parse("""
            apiVersion: serving.tandem.dev/v1alpha1
            kind: ModelProfile
            metadata:
              name: llama3-8b
            spec:
              source:
                uri: hf://meta-llama/Meta-Llama-3-8B-Instruct
              tensorParallelSize: 2
              numHiddenLayers: 32
              kvCacheBlocks: 30000
              kvBlockTokens: 64
              maxModelLength: 8192
              throughput:
                prefillTokensPerSecond: 12000
                transferTokensPerSecond: 60000
                decodeStepMillis: 21.5
                decodeStepMillisPerRequest: 0.25
              loadTime:
                storage: 1m30s
                hostCache: 2s
                peer: 500ms
            """, "file");

        Assert.Equal("llama3-8b", profile.Name);
        Assert.Equal(2, profile.TensorParallelSize);
        Assert.Equal(30000, profile.KvCacheBlocks);
        Assert.Equal(8192, profile.MaxModelLength);
        Assert.Equal(60000, profile.TransferTokensPerSecond);
        Assert.Equal(21.5, profile.DecodeStepMillis);
        Assert.Equal(0.25, profile.DecodeStepMillisPerRequest);
        Assert.Equal(TimeSpan.FromSeconds(90), profile.LoadFromStorage);
        Assert.Equal(TimeSpan.FromMilliseconds(500), profile.LoadFromPeer);
    }

    private const string Head = "apiVersion: serving.tandem.dev/v1alpha1\nkind: ModelProfile\nmetadata:\n  name: m\n";

    [Theory]
    [InlineData(Head + "spec:\n  kvCacheBlocks: lots\n", "kvCacheBlocks")]
    [InlineData(Head + "spec:\n  kvCacheBlocks: 10\n  throughput:\n    prefillTokensPerSecond: -5\n    transferTokensPerSecond: 5\n", "spec.throughput.prefillTokensPerSecond")]
    [InlineData(Head + "spec:\n  kvCacheBlocks: 10\n  throughput:\n    prefillTokensPerSecond: 5\n    transferTokensPerSecond: 5\n  loadTime:\n    peer: soon\n", "spec.loadTime.peer")]
    [InlineData(Head + "spec:\n  throughput:\n    prefillTokensPerSecond: 5\n    transferTokensPerSecond: 5\n", "spec.kvCacheBlocks")]
    [InlineData("apiVersion: v1\nkind: ConfigMap\n", "kind must be ModelProfile")]
    [InlineData("spec: [1, 2\n", "not a valid ModelProfile")]
    public void Bad_field_is_named_in_the_error(string yaml, string named)
    {
        var error = Record.Exception(() => ModelProfileFile.Parse(yaml, "bad"));

        Assert.NotNull(error);
        Assert.True(error.Message.Contains(named, StringComparison.Ordinal), error.Message);
    }

    [Fact]
    public void A_multi_document_file_gives_its_ModelProfile_document()
    {
        // examples/chat.yaml, as the README applies it: a ModelProfile, then the InferenceDeployment that uses it.
        var chat = Path.Combine(AppContext.BaseDirectory, "../../../../../examples/chat.yaml");

        var profile = ModelProfileFile.Resolve(chat);

        Assert.Equal("llama3-8b", profile.Name);
        Assert.Equal(30000, profile.KvCacheBlocks);
        Assert.Equal(12000, profile.PrefillTokensPerSecond);
    }

    [Fact]
    public void A_multi_document_file_without_a_ModelProfile_is_refused_naming_the_kinds_it_has()
    {
        var error = Assert.Throws<FormatException>(() => ModelProfileFile.Parse("kind: Service\n---\nkind: InferenceDeployment\n", "two.yaml"));

        Assert.Contains("two.yaml", error.Message);
        Assert.Contains("Service, InferenceDeployment", error.Message);
    }

    [Fact]
    public void Pod_environment_spec_json_as_the_operator_writes_it_gives_the_seed_profile()
    {
        var examples = Path.Combine(AppContext.BaseDirectory, "../../../../../examples/models");
        var model = k8s.KubernetesYaml.Deserialize<Tandem.Api.V1Alpha1.ModelProfile>(File.ReadAllText(Path.Combine(examples, "llama3-8b.yaml")));
        var env = new Dictionary<string, string>
        {
            [ModelProfileFile.ProfileVariable] = k8s.KubernetesJson.Serialize(model.Spec),
            [ModelProfileFile.ModelVariable] = "llama3-8b",
        };

        var profile = ModelProfileFile.FromEnvironment(env.GetValueOrDefault);

        Assert.Equal(MockEngineProfile.Seed("llama3-8b"), profile);
    }

    [Fact]
    public void Missing_profile_everywhere_names_the_flag_and_the_variable()
    {
        var error = Assert.Throws<ArgumentException>(() => ModelProfileFile.FromEnvironment(_ => null));

        Assert.Contains("--profile", error.Message);
        Assert.Contains(ModelProfileFile.ProfileVariable, error.Message);
    }

    [Theory]
    [InlineData("127.0.0.5", "127.0.0.5", 8000)]
    [InlineData("127.0.0.5:9001", "127.0.0.5", 9001)]
    [InlineData("[::1]:81", "::1", 81)]
    [InlineData("::1", "::1", 8000)]
    public void Listen_addresses_parse(string text, string ip, int port) =>
        Assert.Equal((IPAddress.Parse(ip), port), ListenAddress.Parse(text, 8000));

    [Fact]
    public void Unknown_seed_model_lists_the_known_ones() =>
        Assert.Contains("llama3-8b", Assert.Throws<ArgumentException>(() => ModelProfileFile.Resolve("gpt-9")).Message);
}
