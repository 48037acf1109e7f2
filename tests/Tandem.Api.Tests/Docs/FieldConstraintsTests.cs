using System.Text.Json.Nodes;
using Tandem.Api.Docs;
using Tandem.Api.Schema;

namespace Tandem.Api.Tests.Docs;

public class FieldConstraintsTests
{
    private static readonly FieldConstraints Api = FieldConstraints.ForApi();

    private static IReadOnlyList<string> Describe(string schemaJson) => Api.Describe((JsonObject)JsonNode.Parse(schemaJson)!);

    [Fact]
    public void Duration_pattern_is_described_as_a_duration_with_examples()
    {
        var schema = new JsonObject { ["type"] = "string", ["pattern"] = GoDuration.Pattern };

        Assert.Equal(["a duration such as 500ms, 30s or 1m30s"], Api.Describe(schema));
    }

    [Fact]
    public void Pattern_attribute_form_names_the_pattern_in_plain_words()
    {
        var words = Describe("""{"type":"string","pattern":"^[-._a-zA-Z][-._a-zA-Z0-9]*$"}""");

        Assert.Equal(["a C identifier-like name (letters, digits, '-', '.', '_', not starting with a digit)"], words);
    }

    [Fact]
    public void Unknown_pattern_is_quoted_as_a_regular_expression()
    {
        Assert.Equal(["matches the regular expression `^a+$`"], Describe("""{"type":"string","pattern":"^a+$"}"""));
    }

    [Theory]
    [InlineData("""{"minimum":1,"maximum":64}""", "from 1 to 64")]
    [InlineData("""{"minimum":0}""", "at least 0")]
    [InlineData("""{"minimum":0,"exclusiveMinimum":true}""", "greater than 0")]
    [InlineData("""{"minimum":0,"exclusiveMinimum":true,"maximum":1}""", "greater than 0, at most 1")]
    [InlineData("""{"maximum":0.5}""", "at most 0.5")]
    public void Numeric_bounds_are_said_in_words(string schema, string expected)
    {
        Assert.Equal([expected], Describe(schema));
    }

    [Fact]
    public void Enum_lists_every_value_as_code()
    {
        Assert.Equal(["one of `operator`, `external`"], Describe("""{"type":"string","enum":["operator","external"]}"""));
    }

    [Fact]
    public void List_of_enum_items_set_with_max_items_says_each_value_count_and_no_duplicates()
    {
        var words = Describe("""{"type":"array","items":{"type":"string","enum":["a","b"]},"maxItems":4,"x-kubernetes-list-type":"set"}""");

        Assert.Equal(["each one of `a`, `b`", "at most 4 items", "no duplicates"], words);
    }

    [Fact]
    public void Map_list_names_its_key_and_string_lengths_are_counted()
    {
        Assert.Equal(["one entry per `name`"], Describe("""{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["name"]}"""));
        Assert.Equal(["not empty", "at most 316 characters"], Describe("""{"type":"string","minLength":1,"maxLength":316}"""));
        Assert.Equal(["at least 3 characters"], Describe("""{"type":"string","minLength":3}"""));
    }

    [Fact]
    public void Unconstrained_field_has_no_phrases()
    {
        Assert.Empty(Describe("""{"type":"string","description":"free text"}"""));
    }
}
