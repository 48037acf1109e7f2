using Tandem.Api.V1Alpha1;
using Tandem.Cli.Tests.EndToEnd;

namespace Tandem.Cli.Tests.Chart;

/// <summary>
/// helm 4's <c>--wait</c> judges readiness with kstatus (as Flux does). Against the embedded stack (emulator + operator +
/// mock engines) it must return only once the InferenceDeployment is Ready, and fail fast — before its timeout — when
/// the deployment cannot converge.
/// </summary>
[Collection(EndToEndCollection.Name)]
public class HelmWaitTests
{
    [Fact]
    public async Task Helm_install_wait_returns_only_when_the_deployment_and_its_pools_are_ready_three_times_in_a_row()
    {
        await using var fixture = await StackFixture.StartAsync();
        for (var i = 0; i < 3; i++)
        {
            var name = $"chat{i}";
            var chart = WriteChart(fixture, name, TestDeployments.Profile.Replace("name: tiny", $"name: tiny{i}") + "\n---\n" + TestDeployments.Deployment(name).Replace("model: tiny", $"model: tiny{i}"));

            await HelmAsync(fixture, "install", name, chart, "--wait", "--timeout", "120s").ContinueWith(t => t.Result.EnsureSuccess("helm install --wait"));

            // Read at once: helm has returned, so the deployment must already be Ready for the generation helm applied.
            var deployment = await fixture.DeploymentAsync(name);
            Assert.Equal(deployment.Metadata.Generation, deployment.Status!.ObservedGeneration);
            Assert.Equal("True", deployment.Status.Conditions!.Single(c => c.Type == "Ready").Status);
            Assert.Equal("False", deployment.Status.Conditions!.Single(c => c.Type == "Reconciling").Status);
            Assert.Equal("False", deployment.Status.Conditions!.Single(c => c.Type == "Stalled").Status);
        }
    }

    [Fact]
    public async Task Helm_install_wait_fails_fast_naming_the_stalled_deployment_when_its_model_profile_is_missing()
    {
        await using var fixture = await StackFixture.StartAsync();
        var chart = WriteChart(fixture, "broken", TestDeployments.Deployment("broken").Replace("model: tiny", "model: no-such-model"));

        // A generous timeout: helm must give up because the deployment reports Stalled, not because time ran out.
        var result = await HelmAsync(fixture, "install", "broken", chart, "--wait", "--timeout", "300s");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("Failed", result.Error);
        Assert.DoesNotContain("context deadline exceeded", result.Error);
        var deployment = await fixture.DeploymentAsync("broken");
        var stalled = deployment.Status!.Conditions!.Single(c => c.Type == "Stalled");
        Assert.Equal(("True", "ModelProfileNotFound"), (stalled.Status, stalled.Reason));
        Assert.Contains("no-such-model", stalled.Message);
    }

    [Fact]
    public async Task A_new_deployment_reads_as_observed_generation_0_before_the_operator_writes_its_status()
    {
        await using var fixture = await StackFixture.StartAsync();
        // No ModelProfile and a name the operator has not seen: the create's answer is the object before any reconcile.
        var created = await fixture.KubectlAsync("create", "-o", "json", "-f", WriteManifest(fixture, TestDeployments.Deployment("fresh")));

        var deployment = k8s.KubernetesJson.Deserialize<InferenceDeployment>(created);
        Assert.Equal(1L, deployment.Metadata.Generation);
        Assert.Equal(0L, deployment.Status!.ObservedGeneration);
    }

    private static Task<ProcessResult> HelmAsync(StackFixture fixture, params string[] args) =>
        ChartTools.HelmAsync().ContinueWith(helm => ExternalProcess.RunAsync(helm.Result, [.. args, "--kubeconfig", fixture.Stack.KubeconfigPath], ChartTools.HelmEnvironment, timeout: TimeSpan.FromMinutes(6))).Unwrap();

    private static string WriteChart(StackFixture fixture, string name, string manifests)
    {
        var chart = Path.Combine(Path.GetDirectoryName(fixture.Stack.KubeconfigPath)!, "chart-" + name);
        Directory.CreateDirectory(Path.Combine(chart, "templates"));
        File.WriteAllText(Path.Combine(chart, "Chart.yaml"), $"apiVersion: v2\nname: {name}\nversion: 0.1.0\n");
        File.WriteAllText(Path.Combine(chart, "templates", "serving.yaml"), manifests);
        return chart;
    }

    private static string WriteManifest(StackFixture fixture, string yaml)
    {
        var file = Path.Combine(Path.GetDirectoryName(fixture.Stack.KubeconfigPath)!, $"manifest-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(file, yaml);
        return file;
    }
}
