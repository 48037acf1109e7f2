using Tandem.Api.Docs;

namespace Tandem.Api.Tests.Docs;

public class ApiReferenceTests
{
    private static readonly string Reference = ApiReference.Render();

    [Fact]
    public void Each_kind_has_names_printer_columns_subresources_fields_and_rules_sections()
    {
        foreach (var kind in new[] { "ModelProfile", "InferenceDeployment", "EnginePool" })
        {
            var start = Reference.IndexOf($"\n## {kind}\n", StringComparison.Ordinal);
            Assert.True(start >= 0, $"no section for {kind}");
            var next = Reference.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
            var section = next < 0 ? Reference[start..] : Reference[start..next];

            Assert.Contains("| Subresources |", section);
            Assert.Contains("### Printer columns", section);
            Assert.Contains("### Fields", section);
            Assert.Contains("### Cross-field rules", section);
        }
    }

    [Fact]
    public void Enginepool_section_names_the_scale_subresource_paths_and_short_name()
    {
        Assert.Contains("`scale` (`kubectl scale`, an HPA or KEDA set `.spec.replicas`; current replicas from `.status.replicas`, pod selector from `.status.selector`)", Reference);
        Assert.Contains("short name `epool`", Reference);
        Assert.DoesNotContain("short name `ep`,", Reference);
        Assert.Contains("| Last Decision | string | `.status.lastDecision.message` | with `-o wide` |", Reference);
    }

    [Fact]
    public void Field_rows_show_default_constraint_words_and_description()
    {
        Assert.Contains("| `scaleDownDelay` | string | `1500ms` | a duration such as 500ms, 30s or 1m30s |  | How long a removed instance stays warm", Reference);
        Assert.Contains("| `gpuMemoryUtilization` | number | `0.9` | greater than 0, at most 1 |  |", Reference);
        Assert.Contains("| `model` | string |  | not empty | yes | Name of the ModelProfile", Reference);
    }

    [Fact]
    public void Rules_table_escapes_pipes_of_the_cel_so_the_table_keeps_its_columns()
    {
        var row = Reference.Split('\n').Single(l => l.StartsWith("| `spec.engine` | `native-needs-image`", StringComparison.Ordinal));

        Assert.Contains("`!has(self.adapter) \\|\\| self.adapter != 'native' \\|\\| has(self.image)`", row);
        var unescapedPipes = row.Replace("\\|", "").Count(c => c == '|');
        Assert.Equal(5, unescapedPipes);
    }

    [Fact]
    public void Angle_brackets_in_descriptions_are_entities_not_html()
    {
        Assert.Contains("named &lt;infd&gt;-prefill or &lt;infd&gt;-decode", Reference);
        Assert.DoesNotContain("<infd>", Reference);
    }

    [Fact]
    public void Every_link_points_at_an_anchor_of_the_page()
    {
        var anchors = System.Text.RegularExpressions.Regex.Matches(Reference, "<a id=\"([^\"]+)\"></a>").Select(m => m.Groups[1].Value).ToHashSet();
        anchors.UnionWith(System.Text.RegularExpressions.Regex.Matches(Reference, "\n## (\\w+)\n").Select(m => m.Groups[1].Value.ToLowerInvariant()));
        var links = System.Text.RegularExpressions.Regex.Matches(Reference, "\\]\\(#([^)]+)\\)").Select(m => m.Groups[1].Value).ToArray();

        Assert.NotEmpty(links);
        Assert.All(links, link => Assert.Contains(link, anchors));
    }
}
