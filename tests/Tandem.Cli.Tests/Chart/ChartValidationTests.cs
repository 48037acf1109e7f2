namespace Tandem.Cli.Tests.Chart;

/// <summary>`helm lint` passes, and values.schema.json and the chart's cross-field checks reject bad values, naming them.</summary>
public class ChartValidationTests
{
    [Theory]
    [InlineData()]
    [InlineData("watchNamespaces={team-a,team-b}", "serviceMonitor.enabled=true", "crds.install=false")]
    [InlineData("replicaCount=1", "leaderElection.enabled=false", "podDisruptionBudget.enabled=false")]
    public async Task Helm_lint_strict_passes(params string[] sets)
    {
        var args = new List<string> { "lint", ChartTools.ChartDirectory, "--strict", "--namespace", RenderedChart.Namespace };
        foreach (var set in sets)
        {
            args.AddRange(["--set", set]);
        }

        var result = await ExternalProcess.RunAsync(await ChartTools.HelmAsync(), args, ChartTools.HelmEnvironment);

        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.Contains("0 chart(s) failed", result.Output);
    }

    [Theory]
    [InlineData("replicaCount=0", "/replicaCount")]
    [InlineData("watchNamespaces={Team_A}", "/watchNamespaces/0")]
    [InlineData("metrics.port=70000", "/metrics/port")]
    [InlineData("image.pullPolicy=Sometimes", "/image/pullPolicy")]
    [InlineData("image.digest=latest", "/image/digest")]
    [InlineData("crds.install=yes", "/crds/install")]
    [InlineData("serviceMonitor.interval=soon", "/serviceMonitor/interval")]
    [InlineData("podDisruptionBudget.minAvailable=-1", "/podDisruptionBudget/minAvailable")]
    [InlineData("resources.requests.cpu=lots", "/resources/requests/cpu")]
    [InlineData("metrics.service.type=ExternalName", "/metrics/service/type")]
    [InlineData("replicas=3", "'replicas' not allowed")]
    [InlineData("leaderElection.enable=true", "'enable' not allowed")]
    public async Task Schema_rejects_a_bad_value_naming_it(string set, string named)
    {
        var result = await RenderedChart.TemplateAsync(set);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("values don't meet the specifications of the schema", result.Error);
        Assert.Contains(named, result.Error);
    }

    [Theory]
    [InlineData(new[] { "leaderElection.enabled=false" }, "leaderElection.enabled")]
    [InlineData(new[] { "serviceMonitor.enabled=true", "metrics.service.enabled=false" }, "metrics.service.enabled")]
    [InlineData(new[] { "serviceAccount.create=false" }, "serviceAccount.name")]
    public async Task Contradictory_values_fail_naming_the_values_involved(string[] sets, string named)
    {
        var result = await RenderedChart.TemplateAsync(sets);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(named, result.Error);
    }
}
