using System.Text.Json.Nodes;

namespace Tandem.Cli.Tests.Chart;

/// <summary>The chart against the API emulator with the real binaries: kubectl apply of the rendered manifests, helm install/upgrade/uninstall.</summary>
public class ChartOnClusterTests
{
    private const string Ns = RenderedChart.Namespace;

    [Fact]
    public async Task Kubectl_apply_of_the_rendered_manifests_creates_every_object()
    {
        await using var cluster = await EmulatedClusterTools.StartAsync();
        var rendered = (await RenderedChart.TemplateAsync()).EnsureSuccess("helm template");
        var manifest = Path.Combine(cluster.WorkDirectory, "tandem.yaml");
        await File.WriteAllTextAsync(manifest, rendered.Output);

        (await cluster.KubectlAsync("create", "namespace", Ns)).EnsureSuccess("kubectl create namespace");
        var apply = (await cluster.KubectlAsync("apply", "-f", manifest)).EnsureSuccess("kubectl apply");

        foreach (var o in RenderedChart.Parse(rendered.Output).Objects)
        {
            var (kind, name) = (RenderedChart.Kind(o), RenderedChart.Name(o));
            Assert.Contains($"{ResourceOf(o)}/{name} created", apply.Output);
            var live = await cluster.GetAsync(ResourceOf(o), name, RenderedChart.NamespaceOf(o));
            Assert.True(live is not null, $"{kind}/{name} was not created");
        }

        // Applying the same manifests again creates nothing new. (The emulator's OpenAPI document has no schemas yet,
        // so kubectl cannot compute strategic merge patches and reports a PodDisruptionBudget "configured" where a
        // real apiserver says "unchanged"; hence no check for "unchanged" on every line.)
        var again = (await cluster.KubectlAsync("apply", "-f", manifest)).EnsureSuccess("kubectl apply (again)");
        Assert.DoesNotContain(" created", again.Output);
        Assert.Equal(apply.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length, again.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task Helm_install_upgrade_and_uninstall_manage_the_release_and_keep_the_crds()
    {
        await using var cluster = await EmulatedClusterTools.StartAsync();

        var install = await cluster.HelmAsync("install", RenderedChart.Release, ChartTools.ChartDirectory, "--namespace", Ns, "--create-namespace");
        Assert.True(install.ExitCode == 0, install.Error + install.Output);
        Assert.Contains("STATUS: deployed", install.Output);
        Assert.Contains("CRDs: installed and upgraded with the chart", install.Output);
        var deployment = await cluster.GetAsync("deployments.apps", "tandem", Ns);
        Assert.Equal(2L, (long)deployment!["spec"]!["replicas"]!);
        Assert.NotNull(await cluster.GetAsync("clusterroles.rbac.authorization.k8s.io", "tandem"));
        var crd = await cluster.GetAsync("customresourcedefinitions.apiextensions.k8s.io", "inferencedeployments.serving.tandem.dev");
        Assert.Equal("keep", (string?)crd!["metadata"]!["annotations"]!["helm.sh/resource-policy"]);

        // The installed CRDs serve the API: the example an ML engineer applies next is accepted.
        var example = await cluster.KubectlAsync("apply", "-n", "default", "-f", Path.Combine(ChartTools.RepositoryRoot, "examples", "chat.yaml"));
        Assert.True(example.ExitCode == 0, example.Error + example.Output);
        Assert.NotNull(await cluster.GetAsync("inferencedeployments.serving.tandem.dev", "chat", "default"));

        // Upgrade with a changed CRD and value: helm updates both (a crds/ directory would not update the CRD).
        var changed = CopyChartWithChangedCrd(cluster.WorkDirectory);
        var upgrade = await cluster.HelmAsync("upgrade", RenderedChart.Release, changed, "--namespace", Ns, "--set", "replicaCount=3");
        Assert.True(upgrade.ExitCode == 0, upgrade.Error + upgrade.Output);
        deployment = await cluster.GetAsync("deployments.apps", "tandem", Ns);
        Assert.Equal(3L, (long)deployment!["spec"]!["replicas"]!);
        crd = await cluster.GetAsync("customresourcedefinitions.apiextensions.k8s.io", "modelprofiles.serving.tandem.dev");
        Assert.Equal(ChangedDescription, (string?)crd!["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!["description"]);
        var history = (await cluster.HelmAsync("history", RenderedChart.Release, "--namespace", Ns, "-o", "json")).EnsureSuccess("helm history");
        Assert.Equal(2, JsonNode.Parse(history.Output)!.AsArray().Count);

        var uninstall = await cluster.HelmAsync("uninstall", RenderedChart.Release, "--namespace", Ns);
        Assert.True(uninstall.ExitCode == 0, uninstall.Error + uninstall.Output);
        Assert.Null(await cluster.GetAsync("deployments.apps", "tandem", Ns));
        Assert.Null(await cluster.GetAsync("clusterroles.rbac.authorization.k8s.io", "tandem"));
        Assert.Null(await cluster.GetAsync("serviceaccounts", "tandem", Ns));
        foreach (var name in new[] { "modelprofiles", "inferencedeployments", "enginepools" })
        {
            Assert.NotNull(await cluster.GetAsync("customresourcedefinitions.apiextensions.k8s.io", $"{name}.serving.tandem.dev"));
        }

        // Kept CRDs keep the users' resources: uninstalling the operator does not delete served models.
        Assert.NotNull(await cluster.GetAsync("inferencedeployments.serving.tandem.dev", "chat", "default"));
    }

    [Fact]
    public async Task Helm_install_in_namespace_scoped_mode_creates_roles_in_the_watched_namespaces()
    {
        await using var cluster = await EmulatedClusterTools.StartAsync();
        foreach (var ns in new[] { "team-a", "team-b" })
        {
            (await cluster.KubectlAsync("create", "namespace", ns)).EnsureSuccess($"kubectl create namespace {ns}");
        }

        var install = await cluster.HelmAsync("install", RenderedChart.Release, ChartTools.ChartDirectory, "--namespace", Ns, "--create-namespace",
            "--set", "watchNamespaces={team-a,team-b}", "--set", "crds.install=false");

        Assert.True(install.ExitCode == 0, install.Error + install.Output);
        Assert.Null(await cluster.GetAsync("clusterroles.rbac.authorization.k8s.io", "tandem"));
        Assert.Null(await cluster.GetAsync("customresourcedefinitions.apiextensions.k8s.io", "inferencedeployments.serving.tandem.dev"));
        foreach (var ns in new[] { "team-a", "team-b" })
        {
            Assert.NotNull(await cluster.GetAsync("roles.rbac.authorization.k8s.io", "tandem", ns));
            Assert.NotNull(await cluster.GetAsync("rolebindings.rbac.authorization.k8s.io", "tandem", ns));
        }
    }

    private const string ChangedDescription = "A model's needs and speed (changed by the upgrade test).";

    // A copy of the chart whose ModelProfile CRD has a new top-level description, as a regenerated CRD would.
    private static string CopyChartWithChangedCrd(string into)
    {
        var target = Path.Combine(into, "chart-v2");
        foreach (var file in Directory.GetFiles(ChartTools.ChartDirectory, "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(target, Path.GetRelativePath(ChartTools.ChartDirectory, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }

        var crd = Path.Combine(target, "files", "crds", "serving.tandem.dev_modelprofiles.yaml");
        var lines = File.ReadAllLines(crd).ToList();
        var schema = lines.FindIndex(l => l.TrimEnd() == "      openAPIV3Schema:");
        var description = lines.FindIndex(schema, l => l.TrimStart().StartsWith("description:", StringComparison.Ordinal));
        lines[description] = lines[description][..lines[description].IndexOf("description:", StringComparison.Ordinal)] + $"description: \"{ChangedDescription}\"";
        File.WriteAllLines(crd, lines);
        return target;
    }

    private static string ResourceOf(JsonObject o)
    {
        var apiVersion = (string)o["apiVersion"]!;
        var group = apiVersion.Contains('/') ? "." + apiVersion[..apiVersion.IndexOf('/')] : "";
        return RenderedChart.Kind(o).ToLowerInvariant() + group;
    }
}
