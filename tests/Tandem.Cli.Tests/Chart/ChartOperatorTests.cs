using System.Text.Json.Nodes;

namespace Tandem.Cli.Tests.Chart;

/// <summary>The operator Deployment, its Service, PDB and ServiceMonitor as `helm template` renders them.</summary>
public class ChartOperatorTests
{
    [Fact]
    public async Task Default_values_render_the_operator_objects_and_crds()
    {
        var chart = await RenderedChart.RenderAsync();

        var objects = chart.Objects.Select(o => $"{RenderedChart.Kind(o)}/{RenderedChart.Name(o)}").Order(StringComparer.Ordinal);
        Assert.Equal(
        [
            "ClusterRole/tandem",
            "ClusterRole/tandem-edit",
            "ClusterRole/tandem-view",
            "ClusterRoleBinding/tandem",
            "CustomResourceDefinition/enginepools.serving.tandem.dev",
            "CustomResourceDefinition/inferencedeployments.serving.tandem.dev",
            "CustomResourceDefinition/modelprofiles.serving.tandem.dev",
            "Deployment/tandem",
            "NetworkPolicy/tandem",
            "PodDisruptionBudget/tandem",
            "Role/tandem-leader-election",
            "RoleBinding/tandem-leader-election",
            "Service/tandem-metrics",
            "ServiceAccount/tandem",
        ], objects);
    }

    [Fact]
    public async Task Operator_runs_two_leader_elected_replicas_of_the_app_version_image()
    {
        var chart = await RenderedChart.RenderAsync();

        var deployment = chart.Single("Deployment", "tandem");
        Assert.Equal(2L, (long)deployment["spec"]!["replicas"]!);
        var container = chart.OperatorContainer();
        Assert.Equal("ghcr.io/tandem-serving/tandem:0.1.0", (string)container["image"]!);
        Assert.Equal(["operator", "--leader-elect", "--metrics-address", "0.0.0.0:8080"], chart.OperatorArgs());
        Assert.Equal("tandem", (string)deployment["spec"]!["template"]!["spec"]!["serviceAccountName"]!);
        var env = container["env"]!.AsArray().ToDictionary(e => (string)e!["name"]!, e => (string?)e!["valueFrom"]?["fieldRef"]?["fieldPath"]);
        Assert.Equal("metadata.name", env["POD_NAME"]);
        Assert.Equal("metadata.namespace", env["POD_NAMESPACE"]);
    }

    [Fact]
    public async Task Operator_pod_runs_non_root_read_only_without_capabilities_under_runtime_default_seccomp()
    {
        var chart = await RenderedChart.RenderAsync();
        var pod = chart.Single("Deployment")["spec"]!["template"]!["spec"]!;
        var container = chart.OperatorContainer();

        Assert.True((bool)pod["securityContext"]!["runAsNonRoot"]!);
        Assert.Equal(1654L, (long)pod["securityContext"]!["runAsUser"]!);
        Assert.Equal("RuntimeDefault", (string)pod["securityContext"]!["seccompProfile"]!["type"]!);
        var security = container["securityContext"]!;
        Assert.True((bool)security["runAsNonRoot"]!);
        Assert.True((bool)security["readOnlyRootFilesystem"]!);
        Assert.False((bool)security["allowPrivilegeEscalation"]!);
        Assert.False((bool)security["privileged"]!);
        Assert.Equal(["ALL"], security["capabilities"]!["drop"]!.AsArray().Select(c => (string)c!));
        Assert.Null(security["capabilities"]!["add"]);
        Assert.Equal("RuntimeDefault", (string)security["seccompProfile"]!["type"]!);

        // .NET needs a writable temp directory on the read-only root filesystem.
        var mount = Assert.Single(container["volumeMounts"]!.AsArray())!;
        Assert.Equal("/tmp", (string)mount["mountPath"]!);
        var volume = Assert.Single(pod["volumes"]!.AsArray(), v => (string)v!["name"]! == (string)mount["name"]!)!;
        Assert.NotNull(volume["emptyDir"]);
    }

    [Fact]
    public async Task Probes_check_healthz_and_readyz_on_the_metrics_port_with_resources_set()
    {
        var chart = await RenderedChart.RenderAsync("metrics.port=9090");
        var container = chart.OperatorContainer();

        var port = Assert.Single(container["ports"]!.AsArray())!;
        Assert.Equal(9090L, (long)port["containerPort"]!);
        Assert.Equal("/healthz", (string)container["livenessProbe"]!["httpGet"]!["path"]!);
        Assert.Equal("/readyz", (string)container["readinessProbe"]!["httpGet"]!["path"]!);
        Assert.Equal((string)port["name"]!, (string)container["livenessProbe"]!["httpGet"]!["port"]!);
        Assert.Equal((string)port["name"]!, (string)container["readinessProbe"]!["httpGet"]!["port"]!);
        Assert.Contains("0.0.0.0:9090", chart.OperatorArgs());
        Assert.Equal("100m", (string)container["resources"]!["requests"]!["cpu"]!);
        Assert.Equal("512Mi", (string)container["resources"]!["limits"]!["memory"]!);
    }

    [Fact]
    public async Task Every_chart_object_carries_the_standard_labels()
    {
        var chart = await RenderedChart.RenderAsync("serviceMonitor.enabled=true");

        foreach (var o in chart.Objects.Where(o => RenderedChart.Kind(o) != "CustomResourceDefinition"))
        {
            var labels = RenderedChart.Labels(o["metadata"]!["labels"]);
            Assert.Equal("tandem-0.1.0", labels.GetValueOrDefault("helm.sh/chart"));
            Assert.Equal("tandem", labels.GetValueOrDefault("app.kubernetes.io/name"));
            Assert.Equal(RenderedChart.Release, labels.GetValueOrDefault("app.kubernetes.io/instance"));
            Assert.Equal("0.1.0", labels.GetValueOrDefault("app.kubernetes.io/version"));
            Assert.Equal("Helm", labels.GetValueOrDefault("app.kubernetes.io/managed-by"));
        }
    }

    [Fact]
    public async Task Metrics_service_and_pdb_select_the_operator_pods()
    {
        var chart = await RenderedChart.RenderAsync();
        var podLabels = RenderedChart.Labels(chart.Single("Deployment")["spec"]!["template"]!["metadata"]!["labels"]);

        var service = chart.Single("Service", "tandem-metrics");
        AssertSelects(RenderedChart.Labels(service["spec"]!["selector"]), podLabels);
        var port = Assert.Single(service["spec"]!["ports"]!.AsArray())!;
        Assert.Equal((string)chart.OperatorContainer()["ports"]![0]!["name"]!, (string)port["targetPort"]!);
        var pdb = chart.Single("PodDisruptionBudget", "tandem");
        Assert.Equal(1L, (long)pdb["spec"]!["minAvailable"]!);
        AssertSelects(RenderedChart.Labels(pdb["spec"]!["selector"]!["matchLabels"]), podLabels);
        AssertSelects(RenderedChart.Labels(chart.Single("Deployment")["spec"]!["selector"]!["matchLabels"]), podLabels);
    }

    [Fact]
    public async Task Service_monitor_is_off_by_default_and_scrapes_the_metrics_service_when_on()
    {
        Assert.Empty((await RenderedChart.RenderAsync()).OfKind("ServiceMonitor"));

        var chart = await RenderedChart.RenderAsync("serviceMonitor.enabled=true", "serviceMonitor.labels.release=prometheus", "serviceMonitor.interval=15s");
        var monitor = chart.Single("ServiceMonitor", "tandem");
        Assert.Equal("monitoring.coreos.com/v1", (string)monitor["apiVersion"]!);
        Assert.Equal("prometheus", RenderedChart.Labels(monitor["metadata"]!["labels"])["release"]);
        var service = chart.Single("Service", "tandem-metrics");
        AssertSelects(RenderedChart.Labels(monitor["spec"]!["selector"]!["matchLabels"]), RenderedChart.Labels(service["metadata"]!["labels"]));
        var endpoint = Assert.Single(monitor["spec"]!["endpoints"]!.AsArray())!;
        Assert.Equal((string)service["spec"]!["ports"]![0]!["name"]!, (string)endpoint["port"]!);
        Assert.Equal("/metrics", (string)endpoint["path"]!);
        Assert.Equal("15s", (string)endpoint["interval"]!);
    }

    [Fact]
    public async Task Single_replica_without_leader_election_has_no_lease_role_and_no_pdb()
    {
        var chart = await RenderedChart.RenderAsync("replicaCount=1", "leaderElection.enabled=false");

        Assert.Equal(1L, (long)chart.Single("Deployment")["spec"]!["replicas"]!);
        Assert.DoesNotContain("--leader-elect", chart.OperatorArgs());
        Assert.Empty(chart.OfKind("Role"));
        Assert.Empty(chart.OfKind("PodDisruptionBudget"));
    }

    [Fact]
    public async Task Image_digest_overrides_the_tag_and_extra_args_are_appended()
    {
        var digest = "sha256:" + new string('a', 64);
        var chart = await RenderedChart.RenderAsync($"image.digest={digest}", "extraArgs={--log-level,Debug}");

        Assert.Equal($"ghcr.io/tandem-serving/tandem@{digest}", (string)chart.OperatorContainer()["image"]!);
        Assert.Equal(["--log-level", "Debug"], chart.OperatorArgs().TakeLast(2));
    }

    [Fact]
    public async Task Existing_service_account_is_used_when_the_chart_does_not_create_one()
    {
        var chart = await RenderedChart.RenderAsync("serviceAccount.create=false", "serviceAccount.name=platform-sa");

        Assert.Empty(chart.OfKind("ServiceAccount"));
        Assert.Equal("platform-sa", (string)chart.Single("Deployment")["spec"]!["template"]!["spec"]!["serviceAccountName"]!);
        Assert.Equal("platform-sa", (string)chart.Single("ClusterRoleBinding")["subjects"]![0]!["name"]!);
    }

    private static void AssertSelects(IReadOnlyDictionary<string, string> selector, IReadOnlyDictionary<string, string> labels)
    {
        Assert.NotEmpty(selector);
        foreach (var (key, value) in selector)
        {
            Assert.Equal(value, labels.GetValueOrDefault(key));
        }
    }
}
