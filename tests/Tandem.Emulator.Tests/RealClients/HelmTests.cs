namespace Tandem.Emulator.Tests.RealClients;

/// <summary>The real helm 4 (server-side apply by default) against the emulator.</summary>
public sealed class HelmTests
{
    private static string Chart => Path.Combine(RealTools.RepoRoot, "tests", "Tandem.Emulator.Tests", "charts", "demo");

    [Fact]
    public async Task Helm_installs_upgrades_and_uninstalls_a_chart()
    {
        await using var s = await ClientSession.StartAsync();
        Assert.Contains("STATUS: deployed", await s.HelmOk("install", "demo", Chart, "--namespace", "default", "--wait", "--timeout", "90s"));
        Assert.Equal("hello", await s.KubectlOk("get", "configmap", "demo-config", "-o", "jsonpath={.data.message}"));
        Assert.Equal("helm", await s.KubectlOk("get", "configmap", "demo-config", "-o", "jsonpath={.metadata.managedFields[0].manager}"));
        Assert.Contains("demo", await s.HelmOk("list"));

        Assert.Contains("REVISION: 2", await s.HelmOk("upgrade", "demo", Chart, "--set", "message=bye", "--set", "replicas=3"));
        Assert.Equal("bye", await s.KubectlOk("get", "configmap", "demo-config", "-o", "jsonpath={.data.message}"));
        Assert.Equal("3", await s.KubectlOk("get", "deployment", "demo-app", "-o", "jsonpath={.spec.replicas}"));
        Assert.Equal("2", await s.KubectlOk("get", "deployment", "demo-app", "-o", "jsonpath={.metadata.generation}"));
        Assert.Contains("successfully rolled out", await s.KubectlOk("rollout", "status", "deployment/demo-app", "--timeout=90s"));

        Assert.Contains("uninstalled", await s.HelmOk("uninstall", "demo"));
        foreach (var kind in new[] { "configmap/demo-config", "deployment/demo-app", "service/demo-svc", "serviceaccount/demo-sa", "role/demo-role", "rolebinding/demo-binding" })
            Assert.NotEqual(0, (await s.Kubectl("get", kind)).ExitCode);
        Assert.DoesNotContain("demo", await s.HelmOk("list", "-q"));
    }

    [Fact]
    public async Task Helm_installs_and_uninstalls_the_tandem_chart_registering_its_crds()
    {
        var chart = Path.Combine(RealTools.RepoRoot, "charts", "tandem");
        Assert.True(Directory.Exists(chart), $"{chart} is missing");
        await using var s = await ClientSession.StartAsync();
        Assert.Contains("STATUS: deployed", await s.HelmOk("install", "tandem", chart, "--namespace", "tandem-system", "--create-namespace"));
        var kinds = await s.KubectlOk("api-resources", "--api-group=serving.tandem.dev", "-o", "name");
        foreach (var r in new[] { "enginepools.serving.tandem.dev", "inferencedeployments.serving.tandem.dev", "modelprofiles.serving.tandem.dev" })
            Assert.Contains(r, kinds);
        Assert.Equal(0, (await s.Kubectl("get", "deployment", "tandem", "-n", "tandem-system")).ExitCode);
        Assert.Equal(0, (await s.Kubectl("get", "clusterrole", "tandem")).ExitCode);
        Assert.Contains("uninstalled", await s.HelmOk("uninstall", "tandem", "--namespace", "tandem-system"));
        Assert.NotEqual(0, (await s.Kubectl("get", "deployment", "tandem", "-n", "tandem-system")).ExitCode);
    }
}
