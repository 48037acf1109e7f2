using System.Text.Json.Nodes;
using Tandem.Api.Schema;
using Tandem.Api.Serialization;

namespace Tandem.Api.Tests;

public class SchemaMechanicsTests
{
    [Fact]
    public void Pruning_drops_unknown_fields_but_keeps_root_metadata_and_maps()
    {
        var manifest = Manifests.Yaml("""
            apiVersion: serving.tandem.dev/v1alpha1
            kind: InferenceDeployment
            metadata: {name: x, labels: {a: b}}
            spec:
              model: m
              typo: 1
              engine: {nodeSelector: {gpu: h100}, colour: red}
            """);

        StructuralSchema.Prune(manifest, Manifests.CommittedSchema("InferenceDeployment"));

        Assert.Null(manifest["spec"]!["typo"]);
        Assert.Null(manifest["spec"]!["engine"]!["colour"]);
        Assert.Equal("h100", manifest["spec"]!["engine"]!["nodeSelector"]!["gpu"]!.GetValue<string>());
        Assert.Equal("b", manifest["metadata"]!["labels"]!["a"]!.GetValue<string>());
    }

    [Fact]
    public void Wrong_type_and_duplicate_set_items_are_reported_with_their_paths()
    {
        var manifest = Manifests.Yaml("""
            apiVersion: serving.tandem.dev/v1alpha1
            kind: InferenceDeployment
            metadata: {name: x}
            spec: {model: m, features: [mutate, mutate], router: {port: "eleven"}}
            """);

        var errors = Manifests.AdmitLikeApiServer(manifest);

        Assert.Contains(errors, e => e.Path == "spec.features[1]" && e.Message.StartsWith("Duplicate value"));
        Assert.Contains(errors, e => e.Path == "spec.router.port" && e.Rule == "type" && e.Message.Contains("must be of type integer"));
    }

    [Theory]
    [InlineData("333ms", 333)]
    [InlineData("1.5s", 1500)]
    [InlineData("1m30s", 90000)]
    [InlineData("2h", 7200000)]
    public void Go_durations_parse(string text, double milliseconds) =>
        Assert.Equal(milliseconds, GoDuration.Parse(text).TotalMilliseconds, 6);

    [Fact]
    public void A_bad_duration_names_the_field() =>
        Assert.Contains("spec.scaling.interval", Assert.Throws<FormatException>(() => GoDuration.Parse("1 second", "spec.scaling.interval")).Message);

    [Fact]
    public void Yaml_round_trip_keeps_types_and_quotes_ambiguous_strings()
    {
        var node = new JsonObject { ["a"] = "true", ["b"] = true, ["c"] = "0.5", ["d"] = 0.5, ["e"] = "1s", ["f"] = new JsonArray("x", 2) };

        var yaml = YamlJson.Write(node);
        var back = YamlJson.ParseAll(yaml).Single();

        Assert.True(JsonNode.DeepEquals(node, back), yaml);
        Assert.Contains("a: \"true\"", yaml);
        Assert.Contains("e: 1s", yaml);
    }
}
