using System.Net;
using Tandem.Engines.Mock;

namespace Tandem.Engines.Tests.Mock;

public sealed class ModelProfileFileTests
{
    [Fact]
    public void Full_model_profile_object_maps_every_field()
    {
        var profile = ModelProfileFile.Parse(new StringReader("""
            apiVersion: serving.tandem.dev/v1alpha1
            kind: ModelProfile
            metadata:
              name: llama3-8b
            spec:
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
            """), "file");

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

    [Theory]
    [InlineData("spec:\n  kvCacheBlocks: lots\n", "kvCacheBlocks")]
    [InlineData("spec:\n  throughput:\n    prefillTokensPerSecond: -5\n", "throughput.prefillTokensPerSecond")]
    [InlineData("spec:\n  loadTime:\n    peer: soon\n", "loadTime.peer")]
    [InlineData("spec: [1, 2\n", "not valid YAML")]
    public void Bad_field_is_named_in_the_error(string yaml, string named)
    {
        var error = Record.Exception(() => ModelProfileFile.Parse(new StringReader(yaml), "bad"));

        Assert.NotNull(error);
        Assert.Contains(named, error.Message);
    }

    [Theory]
    [InlineData("8s", 8000)]
    [InlineData("500ms", 500)]
    [InlineData("1m30s", 90000)]
    [InlineData("1.5h", 5400000)]
    [InlineData("0", 0)]
    public void Go_durations_parse(string text, double millis) => Assert.Equal(millis, GoDuration.Parse(text, "f").TotalMilliseconds);

    [Theory]
    [InlineData("8")]
    [InlineData("8 s")]
    [InlineData("s")]
    [InlineData("5d")]
    public void Malformed_go_duration_is_rejected_naming_the_field(string text) =>
        Assert.Contains("loadTime.storage", Assert.Throws<FormatException>(() => GoDuration.Parse(text, "loadTime.storage")).Message);

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
