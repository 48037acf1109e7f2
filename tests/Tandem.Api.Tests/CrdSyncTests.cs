using Tandem.Api.Schema;

namespace Tandem.Api.Tests;

public class CrdSyncTests
{
    [Fact]
    public void Committed_crds_match_the_ones_generated_from_the_csharp_types()
    {
        var generated = CrdFiles.Render();
        var committed = Directory.GetFiles(RepositoryPaths.Combine("crds"), "*.yaml").Select(Path.GetFileName).Order().ToArray();

        Assert.Equal(generated.Select(g => g.FileName).Order(), committed);
        foreach (var (fileName, yaml) in generated)
        {
            var onDisk = File.ReadAllText(RepositoryPaths.Combine("crds", fileName));
            Assert.True(onDisk == yaml, $"crds/{fileName} is stale: run `dotnet run --project src/Tandem.Cli -- crds --out crds` and commit the result.");
        }
    }

    [Fact]
    public void Generated_crds_carry_names_subresources_printer_columns_and_descriptions()
    {
        var generator = CrdGenerator.Create();
        var infd = generator.Generate(typeof(Tandem.Api.V1Alpha1.InferenceDeployment));
        var pool = generator.Generate(typeof(Tandem.Api.V1Alpha1.EnginePool));

        Assert.Equal("infd", infd["spec"]!["names"]!["shortNames"]![0]!.GetValue<string>());
        Assert.Equal("tandem", infd["spec"]!["names"]!["categories"]![0]!.GetValue<string>());
        var columns = infd["spec"]!["versions"]![0]!["additionalPrinterColumns"]!.AsArray().Select(c => c!["name"]!.GetValue<string>());
        Assert.Equal(["Model", "Prefill", "Decode", "Standby", "Ready", "Age", "Last Decision"], columns);
        Assert.NotNull(infd["spec"]!["versions"]![0]!["subresources"]!["status"]);

        var scale = pool["spec"]!["versions"]![0]!["subresources"]!["scale"]!;
        Assert.Equal(".spec.replicas", scale["specReplicasPath"]!.GetValue<string>());
        Assert.Equal(".status.selector", scale["labelSelectorPath"]!.GetValue<string>());
        Assert.Equal(["epool"], pool["spec"]!["names"]!["shortNames"]!.AsArray().Select(n => n!.GetValue<string>()));

        var interval = infd["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!["properties"]!["spec"]!["properties"]!["scaling"]!["properties"]!["interval"]!;
        Assert.Equal("Decision period of the fast tier.", interval["description"]!.GetValue<string>());
        Assert.Equal("1s", interval["default"]!.GetValue<string>());
        Assert.Equal(GoDuration.Pattern, interval["pattern"]!.GetValue<string>());
    }
}
