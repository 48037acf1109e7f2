using System.Text.Json.Nodes;
using Tandem.Api.Schema;
using Tandem.Api.Serialization;

namespace Tandem.Api.Tests;

/// <summary>Loads manifests and the committed CRDs' schemas for tests.</summary>
internal static class Manifests
{
    /// <summary>The openAPIV3Schema of the committed CRD of <paramref name="kind"/>, as the emulator reads it.</summary>
    public static JsonObject CommittedSchema(string kind)
    {
        foreach (var file in Directory.GetFiles(RepositoryPaths.Combine("crds"), "*.yaml"))
        {
            var crd = YamlJson.ParseAll(File.ReadAllText(file)).Single();
            if (crd["spec"]!["names"]!["kind"]!.GetValue<string>() == kind)
            {
                return crd["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!.AsObject();
            }
        }

        throw new InvalidOperationException($"No CRD for {kind} in crds/.");
    }

    /// <summary>Validates like the apiserver: default, prune, then check.</summary>
    public static IReadOnlyList<FieldError> AdmitLikeApiServer(JsonNode manifest)
    {
        var schema = CommittedSchema(manifest["kind"]!.GetValue<string>());
        StructuralSchema.ApplyDefaults(manifest, schema);
        StructuralSchema.Prune(manifest, schema);
        return StructuralSchema.Validate(manifest, schema);
    }

    public static JsonNode Yaml(string yaml) => YamlJson.ParseAll(yaml).Single();
}
