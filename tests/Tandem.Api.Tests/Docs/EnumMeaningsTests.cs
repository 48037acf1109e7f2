using Tandem.Api.Docs;
using Tandem.Api.V1Alpha1;

namespace Tandem.Api.Tests.Docs;

public class EnumMeaningsTests
{
    private static readonly EnumMeanings Api = EnumMeanings.ForApi();

    [Fact]
    public void Feature_values_carry_the_enum_members_doc_comments()
    {
        var values = Api.Of(["mutate", "fast-load", "live-scaling", "host-cache"]);

        Assert.NotNull(values);
        Assert.Equal(("mutate", "A prefill instance may become a decode instance in place, keeping the KV it computed."), values[0]);
        Assert.Equal(4, values.Count);
    }

    [Fact]
    public void Enum_without_any_documented_value_or_unknown_value_set_has_no_meanings()
    {
        Assert.Null(Api.Of(["prefill", "decode"]));
        Assert.Null(Api.Of(["mutate", "fast-load"]));
        Assert.Null(EnumMeanings.None.Of(["mutate", "fast-load", "live-scaling", "host-cache"]));
    }

    [Fact]
    public void Walker_attaches_meanings_to_enum_fields_and_lists_of_enums()
    {
        var walker = new SchemaWalker(FieldConstraints.ForApi(), Api);
        var spec = walker.Walk("InferenceDeployment", Tandem.Api.Schema.CrdGenerator.Create().RootSchema(typeof(InferenceDeployment))).Single(t => t.Path == "spec");

        Assert.Equal(["mutate", "fast-load", "live-scaling", "host-cache"], spec.Fields.Single(f => f.Name == "features").Values!.Select(v => v.Value));
        Assert.Null(spec.Fields.Single(f => f.Name == "model").Values);
    }
}
