using System.Text.Json.Nodes;
using Tandem.Api.Docs;
using Tandem.Api.Schema;
using Tandem.Api.V1Alpha1;
using Tandem.Api.Validation;

namespace Tandem.Api.Tests.Docs;

public class SchemaWalkerTests
{
    private static readonly SchemaWalker Walker = new(FieldConstraints.ForApi());

    private static IReadOnlyList<ObjectTable> Tables(Type kind) =>
        Walker.Walk(kind.Name, CrdGenerator.Create().RootSchema(kind));

    [Fact]
    public void Every_field_of_every_kind_appears_in_exactly_one_table()
    {
        foreach (var kind in CrdGenerator.Kinds)
        {
            var expected = new List<string>();
            CollectPaths(CrdGenerator.Create().RootSchema(kind), "", expected);
            var listed = Tables(kind).SelectMany(t => t.Fields.Select(f => t.Path.Length == 0 ? f.Name : $"{t.Path}.{f.Name}")).ToList();

            Assert.Equal(expected.Order(), listed.Order());
        }
    }

    [Fact]
    public void Scaling_interval_row_carries_type_default_duration_words_and_description()
    {
        var scaling = Tables(typeof(InferenceDeployment)).Single(t => t.Path == "spec.scaling");
        var interval = scaling.Fields.Single(f => f.Name == "interval");

        Assert.Equal("string", interval.Type);
        Assert.Equal("1s", interval.Default);
        Assert.Equal(["a duration such as 500ms, 30s or 1m30s"], interval.Constraints);
        Assert.False(interval.Required);
        Assert.Equal("Decision period of the fast tier.", interval.Description);
    }

    [Fact]
    public void Nested_objects_link_to_their_own_table_and_lists_of_objects_get_an_items_table()
    {
        var tables = Tables(typeof(InferenceDeployment));
        var engine = tables.Single(t => t.Path == "spec.engine");

        Assert.Equal("[object](#inferencedeployment-spec-engine-resources)", engine.Fields.Single(f => f.Name == "resources").Type);
        Assert.Equal("list of [object](#inferencedeployment-spec-engine-env-items)", engine.Fields.Single(f => f.Name == "env").Type);
        Assert.Equal("map of string to string", engine.Fields.Single(f => f.Name == "nodeSelector").Type);
        Assert.Contains(tables, t => t.Path == "spec.engine.env[]" && t.Anchor == "inferencedeployment-spec-engine-env-items");
        Assert.Equal("timestamp (RFC 3339)", tables.Single(t => t.Path == "status").Fields.Single(f => f.Name == "lastScaleTime").Type);
    }

    [Fact]
    public void Required_fields_and_object_defaults_come_from_the_schema()
    {
        var tables = Tables(typeof(ModelProfile));
        var spec = tables.Single(t => t.Path == "spec");

        Assert.True(spec.Fields.Single(f => f.Name == "kvCacheBlocks").Required);
        Assert.False(spec.Fields.Single(f => f.Name == "kvBlockTokens").Required);
        Assert.Equal("{}", spec.Fields.Single(f => f.Name == "loadTime").Default);
        Assert.Equal("64", spec.Fields.Single(f => f.Name == "kvBlockTokens").Default);
    }

    [Fact]
    public void Cross_field_rules_are_found_at_their_object_with_id_message_and_cel()
    {
        var rules = Tables(typeof(InferenceDeployment)).SelectMany(t => t.Rules).ToArray();

        var band = rules.Single(r => r.Path == "spec.scaling.prefill.utilization");
        Assert.Equal(ValidationRules.LowerBelowUpper, band.Id);
        Assert.Equal("self.lower < self.upper", band.Cel);
        Assert.Equal("lower must be less than upper", band.Message);
        Assert.Contains(rules, r => r.Path == "spec.engine" && r.Id == ValidationRules.NativeNeedsImage);
        Assert.Contains(rules, r => r.Path == "spec.scaling" && r.Id == ValidationRules.DecodeBandIsFraction);
        Assert.Equal(["spec.scaling.prefill.utilization", "spec.scaling.decode.utilization", "spec.scaling.migration"], rules.Where(r => r.Id == ValidationRules.LowerBelowUpper).Select(r => r.Path));
    }

    [Fact]
    public void Rule_on_a_scalar_field_is_listed_with_the_object_holding_it()
    {
        var root = (JsonObject)JsonNode.Parse("""
            {"type":"object","properties":{"spec":{"type":"object","properties":{
              "name":{"type":"string","x-kubernetes-validations":[{"rule":"self.size() < 5","message":"name is short"}]}}}}}
            """)!;

        var spec = Walker.Walk("Thing", root).Single(t => t.Path == "spec");

        var rule = Assert.Single(spec.Rules);
        Assert.Equal(new RuleEntry("spec.name", null, "name is short", "self.size() < 5"), rule);
    }

    private static void CollectPaths(JsonObject schema, string path, List<string> paths)
    {
        if (schema["properties"] is JsonObject properties)
        {
            foreach (var (name, child) in properties)
            {
                var childPath = path.Length == 0 ? name : $"{path}.{name}";
                paths.Add(childPath);
                CollectPaths((JsonObject)child!, childPath, paths);
            }
        }
        else if (schema["items"] is JsonObject items)
        {
            CollectPaths(items, path + "[]", paths);
        }
    }
}
