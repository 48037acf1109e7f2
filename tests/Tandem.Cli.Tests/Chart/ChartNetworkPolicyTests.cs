namespace Tandem.Cli.Tests.Chart;

/// <summary>The chart's NetworkPolicy for the operator, and the switch for the operator's per-deployment ones.</summary>
public class ChartNetworkPolicyTests
{
    [Fact]
    public async Task The_operators_pods_take_traffic_only_on_the_metrics_port_and_deployments_get_their_own_policies()
    {
        var chart = await RenderedChart.RenderAsync();

        var policy = chart.Single("NetworkPolicy", "tandem");
        Assert.Equal(RenderedChart.Namespace, RenderedChart.NamespaceOf(policy));
        var selected = policy["spec"]!["podSelector"]!["matchLabels"]!.AsObject().ToDictionary(kv => kv.Key, kv => (string)kv.Value!);
        var podLabels = chart.Single("Deployment", "tandem")["spec"]!["template"]!["metadata"]!["labels"]!.AsObject();
        Assert.All(selected, kv => Assert.Equal(kv.Value, (string)podLabels[kv.Key]!));
        Assert.Equal(["Ingress"], policy["spec"]!["policyTypes"]!.AsArray().Select(t => (string)t!));
        var rule = Assert.Single(policy["spec"]!["ingress"]!.AsArray());
        Assert.Null(rule!["from"]);
        Assert.Equal(8080, (long)Assert.Single(rule["ports"]!.AsArray())!["port"]!);
        Assert.DoesNotContain("--no-network-policies", chart.OperatorArgs());
    }

    [Fact]
    public async Task Both_policies_can_be_turned_off()
    {
        var chart = await RenderedChart.RenderAsync("networkPolicy.enabled=false", "networkPolicy.deployments=false");

        Assert.Empty(chart.OfKind("NetworkPolicy"));
        Assert.Contains("--no-network-policies", chart.OperatorArgs());
    }
}
