using k8s;
using Tandem.Api.V1Alpha1;
using Tandem.Cli.Embedded;
using Tandem.Cli.Tests.Chart;

namespace Tandem.Cli.Tests.EndToEnd;

/// <summary>One embedded stack (emulator, operator, mock engines, routers) per test, plus kubectl against it.</summary>
internal sealed class StackFixture : IAsyncDisposable
{
    private StackFixture(EmbeddedStack stack) => Stack = stack;

    public EmbeddedStack Stack { get; }

    public IKubernetes Client => Stack.Client;

    public static async Task<StackFixture> StartAsync() =>
        new(await EmbeddedStack.StartAsync(new EmbeddedStackOptions { Nodes = 2, GpusPerNode = 8 }));

    /// <summary>Runs the real kubectl against the stack; throws with its output when it fails.</summary>
    public async Task<string> KubectlAsync(params string[] args)
    {
        var kubectl = await ChartTools.KubectlAsync();
        var result = await ExternalProcess.RunAsync(kubectl, ["--kubeconfig", Stack.KubeconfigPath, .. args]);
        return result.EnsureSuccess("kubectl " + string.Join(' ', args)).Output;
    }

    /// <summary>kubectl apply -f of a manifest written to a temporary file.</summary>
    public async Task<string> ApplyAsync(string yaml)
    {
        var file = Path.Combine(Path.GetDirectoryName(Stack.KubeconfigPath)!, $"manifest-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, yaml);
        return await KubectlAsync("apply", "-f", file);
    }

    public async Task<InferenceDeployment> DeploymentAsync(string name) =>
        KubernetesJson.Deserialize<InferenceDeployment>(((System.Text.Json.JsonElement)await Client.CustomObjects.GetNamespacedCustomObjectAsync(
            ApiGroup.Group, ApiGroup.Version, "default", "inferencedeployments", name)).GetRawText());

    public async Task<IReadOnlyList<k8s.Models.V1Pod>> EnginePodsAsync(string deployment) =>
        (await Client.CoreV1.ListNamespacedPodAsync("default", labelSelector: $"{WellKnownLabels.Deployment}={deployment},{WellKnownLabels.Component}=engine")).Items
            .Where(p => p.Metadata.DeletionTimestamp is null).ToArray();

    public ValueTask DisposeAsync() => Stack.DisposeAsync();
}
