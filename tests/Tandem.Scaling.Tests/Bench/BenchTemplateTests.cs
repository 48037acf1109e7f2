using Tandem.Scaling.Bench;
using Tandem.Scaling.Policies;

namespace Tandem.Scaling.Tests.Bench;

public class BenchTemplateTests
{
    private const string Template = """
        [global]
        policy = ["bounds", "static:1:1"]
        [selection]
        models = ["llama3_8b", "qwen_72b"]
        features = ["blitz_ultra", "sllm"]
        datasets = ["conv"]
        [router]
        max_prefill_num = [4, 8]
        min_decode_num = 1
        scale_down_threshold_millis = 333
        [features]
        blitz_ultra = "ngrok,impl_blitz,impl_live_pro,impl_fast_pro,mutate"
        sllm = "ngrok,impl_sllm,cache_all_hit,mutate"
        [datasets.conv]
        dataset_path = "./dataset_home/AzureConv2023-5min.csv"
        time_in_secs = 30
        [models.llama3_8b]
        tokens_prefilled_per_sec = 12000
        tokens_transferred_per_sec = 60000
        num_available_blocks = 30000
        """;

    [Fact]
    public void Selection_crosses_models_features_datasets_policies_and_list_valued_router_keys()
    {
        var template = BenchTemplateParser.Parse(Template, "/tmp/t.toml");

        var runs = BenchPlan.Expand(template);

        Assert.Equal(2 * 2 * 1 * 2 * 2, runs.Count);
        Assert.Equal(runs.Count, runs.Select(r => r.Name).Distinct().Count());
        Assert.Contains(runs, r => r.Name == "qwen_72b+sllm+conv+static_1_1+max_prefill_num=8");
        Assert.Equal("AzureConv2023-5min", template.Datasets["conv"].Trace); // the seed path finds the shipped window
        Assert.False(template.Models.ContainsKey("qwen_72b")); // selected by name: a seed model needs no [models] table
    }

    [Fact]
    public void Seed_feature_words_map_to_tandem_flags()
    {
        Assert.Equal(ScalingFeatures.LiveScaling | ScalingFeatures.FastLoad | ScalingFeatures.Mutate,
            FeatureWords.Parse("ngrok,impl_blitz,impl_live_pro,impl_fast_pro,mutate", "[features] blitz_ultra"));
        Assert.Equal(ScalingFeatures.HostCache | ScalingFeatures.Mutate, FeatureWords.Parse("ngrok,impl_sllm,cache_all_hit,mutate", "[features] x"));
        var error = Assert.Throws<BenchTemplateException>(() => FeatureWords.Parse("warp", "[features] x"));
        Assert.Contains("[features] x: unknown feature word 'warp'", error.Message);
    }

    [Fact]
    public void Router_keys_become_bounds_with_the_seed_names()
    {
        var (bounds, interval) = RouterSettings.ToBounds(new Dictionary<string, object>
        {
            ["max_prefill_num"] = 13L, ["min_prefill_num"] = 1L, ["prefill_lower_bound"] = 0.5, ["prefill_upper_bound"] = 0.8,
            ["scale_down_threshold_millis"] = 333L, ["standby_replicas"] = 2L,
        }, ScalingFeatures.Mutate);

        Assert.Equal(new RoleBounds(1, 13, new Band(0.5, 0.8)), bounds.Prefill);
        Assert.Equal(TimeSpan.FromMilliseconds(333), bounds.ScaleDownDelay);
        Assert.Equal(2, bounds.Standby.Replicas);
        Assert.Equal(ScalingFeatures.Mutate, bounds.Features);
        Assert.Equal(TimeSpan.FromSeconds(1), interval);
    }

    [Theory]
    [InlineData("[selection]\nmodels = [\"llama3_8b\"]\nfeatures = []\ndatasets = []", "[selection] features: an empty list")]
    [InlineData("[selection]\nmodels = [\"gpt\"]\nfeatures = [\"f\"]\ndatasets = [\"d\"]\n[features]\nf = \"mutate\"\n[datasets.d]\ndataset_path = \"AzureConv2023-5min\"", "[selection] models: 'gpt' is not defined in [models]")]
    [InlineData("[selection]\nmodels = [\"llama3_8b\"]\n[nonsense]\nx = 1", "[nonsense]: unknown section")]
    [InlineData("[global]\npolicy = \"magic\"\n[selection]\nmodels = [\"llama3_8b\"]\nfeatures = [\"f\"]\ndatasets = [\"d\"]\n[features]\nf = \"mutate\"\n[datasets.d]\ndataset_path = \"AzureConv2023-5min\"", "[global] policy: unknown policy 'magic'")]
    [InlineData("[selection\nmodels = 1", "not valid TOML")]
    public void Template_errors_name_the_section_and_key(string text, string message)
    {
        var error = Assert.Throws<BenchTemplateException>(() => BenchTemplateParser.Parse(text, "/tmp/t.toml"));

        Assert.Contains(message, error.Message);
    }
}
