namespace Tandem.Cli.Tests.EndToEnd;

/// <summary>The operator's /metrics, after it reconciled and scaled a deployment, checked with promtool.</summary>
[Collection(EndToEndCollection.Name)]
public class OperatorMetricsTests
{
    [Fact]
    public async Task Operator_metrics_pass_promtool_with_client_go_names_one_unit_per_metric_and_error_counters_from_start()
    {
        await using var fixture = await StackFixture.StartAsync();
        await fixture.ApplyAsync(TestDeployments.Profile + "\n---\n" + TestDeployments.Deployment());
        await fixture.KubectlAsync("wait", "--for=condition=Ready", "inferencedeployment/chat", "--timeout=60s");
        using var http = new HttpClient();
        var url = fixture.Stack.OperatorMetricsUrl!;

        // The autoscaler publishes its gauges on its first decision; wait for them with a deadline.
        var scrape = await Eventually.HoldsAsync(() => http.GetStringAsync(url), s => s.Contains("tandem_decode_utilization_ratio{"), TimeSpan.FromSeconds(30), "the autoscaler's gauges");
        var (exit, problems) = await Promtool.CheckMetricsAsync(scrape);

        Assert.True(exit == 0 && problems.Length == 0, "promtool: " + string.Join("; ", problems));
        foreach (var name in new[] { "workqueue_adds_total{", "workqueue_work_duration_seconds_bucket{", "workqueue_unfinished_work_seconds{", "workqueue_longest_running_processor_seconds{",
                     "workqueue_depth{", "rest_client_requests_total{", "rest_client_request_duration_seconds_bucket{", "tandem_prefill_utilization_seconds{", "tandem_migration_utilization_seconds{" })
        {
            Assert.Contains(name, scrape);
        }

        Assert.Contains("controller_runtime_reconcile_errors_total{controller=\"inferencedeployment\"} 0", scrape);
        Assert.Contains("controller_runtime_terminal_reconcile_errors_total{controller=\"enginepool\"} 0", scrape);
        Assert.DoesNotContain("tandem_utilization{", scrape);
    }
}
