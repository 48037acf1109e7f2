using Tandem.Engines.OpenAi;
using Tandem.Engines.Router;
using Tandem.Scaling.Lifecycle;

namespace Tandem.Engines.Tests.Router;

public sealed class InstanceSelectorTests
{
    private static readonly RouterMember[] Three =
    [
        new("c", "127.0.0.3:8000", InstanceRole.Prefill, InstanceState.Active),
        new("a", "127.0.0.1:8000", InstanceRole.Prefill, InstanceState.Active),
        new("b", "127.0.0.2:8000", InstanceRole.Prefill, InstanceState.Active),
    ];

    private static readonly string[] Prompt = PromptTokens.Words("x y z");

    [Fact]
    public void Round_robin_takes_each_instance_in_turn_in_id_order()
    {
        var selector = new InstanceSelector(SelectionPolicy.RoundRobin);

        var picks = Enumerable.Range(0, 6).Select(_ => selector.Pick(Three, Prompt, _ => 0)!.Id);

        Assert.Equal(["a", "b", "c", "a", "b", "c"], picks);
    }

    [Fact]
    public void Random_with_a_seed_repeats_its_sequence_and_reaches_every_instance()
    {
        var one = new InstanceSelector(SelectionPolicy.Random, seed: 7);
        var two = new InstanceSelector(SelectionPolicy.Random, seed: 7);

        var a = Enumerable.Range(0, 60).Select(_ => one.Pick(Three, Prompt, _ => 0)!.Id).ToArray();
        var b = Enumerable.Range(0, 60).Select(_ => two.Pick(Three, Prompt, _ => 0)!.Id).ToArray();

        Assert.Equal(a, b);
        Assert.Equal(["a", "b", "c"], a.Distinct().Order());
    }

    [Fact]
    public void Least_loaded_picks_the_smallest_load_and_breaks_ties_by_lowest_id()
    {
        var selector = new InstanceSelector(SelectionPolicy.LeastLoaded);
        var load = new Dictionary<string, long> { ["a"] = 500, ["b"] = 100, ["c"] = 100 };

        var pick = selector.Pick(Three, Prompt, id => load[id])!;

        Assert.Equal("b", pick.Id);
    }

    [Fact]
    public void Prefix_sends_a_prompt_sharing_a_long_prefix_to_the_instance_that_saw_it()
    {
        var selector = new InstanceSelector(SelectionPolicy.Prefix, minPrefixMatch: 8);
        var system = string.Join(' ', Enumerable.Range(0, 20).Select(i => "sys" + i));
        var load = new Dictionary<string, long> { ["a"] = 0, ["b"] = 0, ["c"] = 0 };
        var first = selector.Pick(Three, PromptTokens.Words(system + " question one"), id => load[id])!;
        load[first.Id] = 10_000;

        var second = selector.Pick(Three, PromptTokens.Words(system + " question two"), id => load[id])!;

        Assert.Equal("a", first.Id);
        Assert.Equal(first.Id, second.Id);
    }

    [Fact]
    public void Prefix_falls_back_to_least_loaded_when_the_shared_prefix_is_short()
    {
        var selector = new InstanceSelector(SelectionPolicy.Prefix, minPrefixMatch: 8);
        var load = new Dictionary<string, long> { ["a"] = 0, ["b"] = 0, ["c"] = 0 };
        selector.Pick(Three, PromptTokens.Words("hello there how are you doing today friend"), id => load[id]);
        load["a"] = 10_000;

        var pick = selector.Pick(Three, PromptTokens.Words("hello world something else entirely new here ok"), id => load[id])!;

        Assert.Equal("b", pick.Id);
    }

    [Fact]
    public void No_candidates_gives_no_pick()
    {
        Assert.Null(new InstanceSelector(SelectionPolicy.RoundRobin).Pick([], Prompt, _ => 0));
    }

    [Fact]
    public void Prefix_tree_reports_per_instance_match_lengths_and_clears_past_its_node_limit()
    {
        var tree = new PrefixTree(maxDepth: 4, maxNodes: 8);
        tree.Insert(["a", "b", "c", "d", "e"], "x");
        tree.Insert(["a", "b", "q"], "y");

        var lengths = tree.MatchLengths(["a", "b", "c", "z"], ["x", "y", "w"]);
        tree.Insert(["m", "n", "o", "p"], "z");
        var afterClear = tree.MatchLengths(["a", "b"], ["x"]);

        Assert.Equal(3, lengths["x"]);
        Assert.Equal(2, lengths["y"]);
        Assert.Equal(0, lengths["w"]);
        Assert.Equal(0, afterClear["x"]);
    }

    [Theory]
    [InlineData("round-robin", SelectionPolicy.RoundRobin)]
    [InlineData("Least-Loaded", SelectionPolicy.LeastLoaded)]
    [InlineData("prefix", SelectionPolicy.Prefix)]
    [InlineData("random", SelectionPolicy.Random)]
    public void Policy_names_parse(string name, SelectionPolicy expected) => Assert.Equal(expected, SelectionPolicies.Parse(name));

    [Fact]
    public void Unknown_policy_name_is_rejected_naming_the_flag_and_choices()
    {
        var error = Assert.Throws<ArgumentException>(() => SelectionPolicies.Parse("fastest"));

        Assert.Contains("--policy", error.Message);
        Assert.Contains("least-loaded", error.Message);
    }
}
