using System.Text.Json.Nodes;
using Tandem.Api.Serialization;

namespace Tandem.Cli.Tests.Chart;

/// <summary>
/// One source of truth for the CRDs: the chart's files/crds/ are copies of the generated crds/, and the chart renders
/// them unchanged apart from the keep annotation. Refresh with `cp crds/*.yaml charts/tandem/files/crds/`.
/// </summary>
public class ChartCrdTests
{
    private static string GeneratedDirectory => Path.Combine(ChartTools.RepositoryRoot, "crds");
    private static string ChartCopyDirectory => Path.Combine(ChartTools.ChartDirectory, "files", "crds");

    [Fact]
    public void Chart_crd_files_are_byte_for_byte_copies_of_the_generated_crds()
    {
        var generated = Directory.GetFiles(GeneratedDirectory, "*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        var copies = Directory.GetFiles(ChartCopyDirectory, "*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();

        Assert.NotEmpty(generated);
        Assert.Equal(generated, copies);
        foreach (var name in generated)
        {
            Assert.True(
                File.ReadAllBytes(Path.Combine(GeneratedDirectory, name!)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(ChartCopyDirectory, name!))),
                $"charts/tandem/files/crds/{name} differs from crds/{name}: run `cp crds/*.yaml charts/tandem/files/crds/`");
        }
    }

    [Fact]
    public async Task Rendered_crds_equal_the_generated_crds_plus_the_keep_annotation()
    {
        var chart = await RenderedChart.RenderAsync();
        var rendered = chart.OfKind("CustomResourceDefinition").ToDictionary(RenderedChart.Name);

        var files = Directory.GetFiles(GeneratedDirectory, "*.yaml");
        Assert.Equal(files.Length, rendered.Count);
        foreach (var file in files)
        {
            var expected = Assert.Single(YamlJson.ParseAll(File.ReadAllText(file)))!.AsObject();
            Assert.Null(expected["metadata"]!["annotations"]);
            expected["metadata"]!["annotations"] = new JsonObject { ["helm.sh/resource-policy"] = "keep" };
            var actual = rendered[RenderedChart.Name(expected)];
            Assert.True(JsonNode.DeepEquals(expected, actual), $"rendered {RenderedChart.Name(expected)} differs from {Path.GetFileName(file)} beyond the keep annotation");
        }
    }

    [Fact]
    public async Task Crds_install_false_renders_no_crds_and_keeps_the_operator()
    {
        var chart = await RenderedChart.RenderAsync("crds.install=false");

        Assert.Empty(chart.OfKind("CustomResourceDefinition"));
        Assert.Single(chart.OfKind("Deployment"));
    }
}
