namespace Tandem.Cli.Tests.Chart;

/// <summary>What the chart gives tenants (aggregated roles), Prometheus (a PodMonitor for the data path) and the installer (NOTES).</summary>
public class ChartTenantAndScrapeTests
{
    private const string Group = "serving.tandem.dev";

    [Fact]
    public async Task Built_in_edit_and_view_roles_aggregate_tandem_rules_and_edit_cannot_write_pool_specs()
    {
        var chart = await RenderedChart.RenderAsync();

        var edit = chart.Single("ClusterRole", "tandem-edit");
        var editLabels = RenderedChart.Labels(edit["metadata"]!["labels"]);
        Assert.Equal("true", editLabels["rbac.authorization.k8s.io/aggregate-to-edit"]);
        Assert.Equal("true", editLabels["rbac.authorization.k8s.io/aggregate-to-admin"]);
        var editGrants = RbacRules.Grants(edit["rules"]);
        Assert.Contains($"{Group} inferencedeployments create", editGrants);
        Assert.Contains($"{Group} modelprofiles delete", editGrants);
        Assert.Contains($"{Group} enginepools/scale update", editGrants);
        Assert.DoesNotContain($"{Group} enginepools update", editGrants);
        Assert.DoesNotContain($"{Group} inferencedeployments/status update", editGrants);

        var view = chart.Single("ClusterRole", "tandem-view");
        Assert.Equal("true", RenderedChart.Labels(view["metadata"]!["labels"])["rbac.authorization.k8s.io/aggregate-to-view"]);
        Assert.All(RbacRules.Grants(view["rules"]), g => Assert.Matches(" (get|list|watch)$", g));

        Assert.Equal(["tandem"], (await RenderedChart.RenderAsync("rbac.aggregateToDefaultRoles=false")).OfKind("ClusterRole").Select(RenderedChart.Name));
    }

    [Fact]
    public async Task Pod_monitor_scrapes_engine_and_router_pods_on_their_http_port_when_enabled()
    {
        Assert.Empty((await RenderedChart.RenderAsync()).OfKind("PodMonitor"));

        var monitor = (await RenderedChart.RenderAsync("podMonitor.enabled=true")).Single("PodMonitor");

        var spec = monitor["spec"]!;
        Assert.Equal("tandem-operator", (string)spec["selector"]!["matchLabels"]!["app.kubernetes.io/managed-by"]!);
        var components = spec["selector"]!["matchExpressions"]!.AsArray().Single(e => (string)e!["key"]! == "app.kubernetes.io/component")!;
        Assert.Equal(["engine", "router"], components["values"]!.AsArray().Select(v => (string)v!));
        var endpoint = spec["podMetricsEndpoints"]![0]!;
        Assert.Equal(("http", "/metrics"), ((string)endpoint["port"]!, (string)endpoint["path"]!));
        Assert.True((bool)spec["namespaceSelector"]!["any"]!);
    }

    [Fact]
    public async Task Notes_show_a_manifest_inline_instead_of_pointing_at_files_the_chart_does_not_ship()
    {
        var helm = await ChartTools.HelmAsync();
        var result = (await ExternalProcess.RunAsync(helm, ["install", "tandem", ChartTools.ChartDirectory, "--dry-run=client", "--namespace", "tandem-system"], ChartTools.HelmEnvironment))
            .EnsureSuccess("helm install --dry-run");

        var notes = result.Output[result.Output.IndexOf("NOTES:", StringComparison.Ordinal)..];
        Assert.DoesNotContain("-f examples/", notes);
        Assert.Contains("kind: InferenceDeployment", notes);
        Assert.Contains("kubectl wait --for=condition=Ready infd/chat", notes);
    }

    [Theory]
    [InlineData("replicaCount=3")]
    [InlineData("metrics.port=9090")]
    [InlineData("resources.requests.cpu=1")]
    [InlineData("resources.requests.cpu=0.5")]
    [InlineData("resources.requests.memory=1073741824")]
    [InlineData("podDisruptionBudget.minAvailable=1")]
    [InlineData("probes.liveness.periodSeconds=5")]
    public async Task Numeric_set_values_pass_the_values_schema(string set)
    {
        var result = await RenderedChart.TemplateAsync(set);

        Assert.True(result.ExitCode == 0, result.Error);
    }
}
