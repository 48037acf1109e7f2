using Tandem.Runtime.Cache;

namespace Tandem.Runtime.Tests.Cache;

public sealed class LabelSelectorTests
{
    private static readonly Dictionary<string, string> Labels = new() { ["app"] = "chat", ["role"] = "decode", ["tier"] = "gpu" };

    [Theory]
    [InlineData(null, true)]
    [InlineData("", true)]
    [InlineData("app=chat", true)]
    [InlineData("app==chat", true)]
    [InlineData("app=other", false)]
    [InlineData("app!=other", true)]
    [InlineData("app!=chat", false)]
    [InlineData("app=chat,role=decode", true)]
    [InlineData("app=chat,role=prefill", false)]
    [InlineData("tier", true)]
    [InlineData("missing", false)]
    [InlineData("!missing", true)]
    [InlineData("!app", false)]
    [InlineData("role in (prefill,decode)", true)]
    [InlineData("role in (prefill)", false)]
    [InlineData("role notin (prefill, standby)", true)]
    [InlineData("role notin (decode)", false)]
    [InlineData("missing notin (x)", true)]
    [InlineData("app=chat, role in (decode,prefill), !missing", true)]
    public void Selector_matches_labels_like_the_api_server(string? selector, bool matches)
    {
        Assert.Equal(matches, LabelSelector.Parse(selector).Matches(Labels));
    }

    [Theory]
    [InlineData("app=chat,,role=x", "stray comma")]
    [InlineData("role in prefill", "a set must be written")]
    [InlineData("role in ()", "at least one value")]
    [InlineData("role has (x)", "expected '='")]
    [InlineData("=x", "not a valid label key")]
    public void Malformed_selectors_are_rejected_naming_the_rule(string selector, string rule)
    {
        var e = Assert.Throws<FormatException>(() => LabelSelector.Parse(selector));
        Assert.Contains(selector, e.Message);
        Assert.Contains(rule, e.Message);
    }

    [Fact]
    public void Match_labels_map_selects_objects_with_every_pair()
    {
        var selector = LabelSelector.FromLabels(new Dictionary<string, string> { ["app"] = "chat", ["role"] = "decode" });
        Assert.True(selector.Matches(Labels));
        Assert.False(selector.Matches(new Dictionary<string, string> { ["app"] = "chat" }));
        Assert.Equal("app=chat,role=decode", selector.ToString());
    }
}
