using System.Text.Json;
using k8s;
using k8s.Models;
using Tandem.Api.Schema;
using Tandem.Api.Serialization;
using Tandem.Api.V1Alpha1;

namespace Tandem.Benchmarks.Fleet;

/// <summary>
/// The fleet: N InferenceDeployments of the mock adapter at their minimum (one prefill, one decode engine and a router
/// each), no standby, the default scaling interval; created, watched for Ready and changed through the API like a user
/// (kubectl) would, with a client of the benchmark's own (not counted in the operator's traffic).
/// </summary>
internal sealed class FleetWorkload(IKubernetes client, int deployments)
{
    public const string Namespace = "default";
    private const string Plural = "inferencedeployments";

    public const string Profile = """
        apiVersion: serving.tandem.dev/v1alpha1
        kind: ModelProfile
        metadata:
          name: fleet-model
        spec:
          source: {uri: hf://example/fleet-model}
          tensorParallelSize: 1
          numHiddenLayers: 4
          kvCacheBlocks: 64
          throughput: {prefillTokensPerSecond: 4000, transferTokensPerSecond: 200000, decodeStepMillis: 5, decodeStepMillisPerRequest: 0.1}
          loadTime: {storage: 1s, hostCache: 500ms, peer: 300ms}
        """;

    public static string Name(int i) => $"fleet-{i:D4}";

    public IEnumerable<string> Names => Enumerable.Range(0, deployments).Select(Name);

    public static string DeploymentYaml(string name, int prefillMin) => $$"""
        apiVersion: serving.tandem.dev/v1alpha1
        kind: InferenceDeployment
        metadata:
          name: {{name}}
        spec:
          model: fleet-model
          engine: {adapter: mock}
          scaling:
            mode: operator
            prefill: {min: {{prefillMin}}, max: 2}
            decode: {min: 1, max: 2}
        """;

    /// <summary>Installs Tandem's CRDs as <c>kubectl apply -f crds/</c> would.</summary>
    public async Task InstallCrdsAsync(CancellationToken cancel)
    {
        foreach (var (_, yaml) in CrdFiles.Render())
        {
            var crd = KubernetesJson.Deserialize<V1CustomResourceDefinition>(YamlJson.ParseAll(yaml).Single().ToJsonString());
            await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd, cancellationToken: cancel).ConfigureAwait(false);
        }

        // The CRDs are served once registered; the first create may race the registration.
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                await CreateAsync(Profile, "modelprofiles", cancel).ConfigureAwait(false);
                return;
            }
            catch (k8s.Autorest.HttpOperationException) when (DateTime.UtcNow < until)
            {
                await Task.Delay(100, cancel).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Creates every deployment, a few at a time.</summary>
    public Task CreateAllAsync(CancellationToken cancel) =>
        Parallel.ForEachAsync(Names, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancel },
            async (name, ct) => await CreateAsync(DeploymentYaml(name, 1), Plural, ct).ConfigureAwait(false));

    /// <summary>Names of the deployments whose Ready condition is True and whose status observed their generation.</summary>
    public async Task<HashSet<string>> ReadyAsync(CancellationToken cancel)
    {
        var list = (JsonElement)await client.CustomObjects.ListNamespacedCustomObjectAsync(ApiGroup.Group, ApiGroup.Version, Namespace, Plural, cancellationToken: cancel).ConfigureAwait(false);
        var ready = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in list.GetProperty("items").EnumerateArray())
        {
            if (IsReady(item)) ready.Add(item.GetProperty("metadata").GetProperty("name").GetString()!);
        }

        return ready;
    }

    /// <summary>The one deployment's Ready (at its current generation) and its ready prefill pods.</summary>
    public async Task<(bool Ready, int ReadyPrefill)> StateAsync(string name, CancellationToken cancel)
    {
        var item = (JsonElement)await client.CustomObjects.GetNamespacedCustomObjectAsync(ApiGroup.Group, ApiGroup.Version, Namespace, Plural, name, cancel).ConfigureAwait(false);
        var prefill = item.TryGetProperty("status", out var status) && status.TryGetProperty("prefill", out var p) && p.TryGetProperty("readyReplicas", out var r) ? r.GetInt32() : 0;
        return (IsReady(item), prefill);
    }

    /// <summary>Raises one deployment's prefill minimum (a spec change that needs a new pod), as <c>kubectl patch --type merge</c>.</summary>
    public Task ChangeAsync(string name, int prefillMin, CancellationToken cancel)
    {
        var patch = new V1Patch("{\"spec\":{\"scaling\":{\"prefill\":{\"min\":" + prefillMin.ToString(System.Globalization.CultureInfo.InvariantCulture) + "}}}}", V1Patch.PatchType.MergePatch);
        return client.CustomObjects.PatchNamespacedCustomObjectAsync(patch, ApiGroup.Group, ApiGroup.Version, Namespace, Plural, name, cancellationToken: cancel);
    }

    private static bool IsReady(JsonElement item)
    {
        if (!item.TryGetProperty("status", out var status) || !status.TryGetProperty("conditions", out var conditions)) return false;
        var generation = item.GetProperty("metadata").TryGetProperty("generation", out var g) ? g.GetInt64() : 0;
        var observed = status.TryGetProperty("observedGeneration", out var o) ? o.GetInt64() : 0;
        return observed == generation && conditions.EnumerateArray().Any(c => c.GetProperty("type").GetString() == "Ready" && c.GetProperty("status").GetString() == "True");
    }

    private Task CreateAsync(string yaml, string plural, CancellationToken cancel)
    {
        var document = YamlJson.ParseAll(yaml).Single();
        document["metadata"]!["namespace"] = Namespace;
        return client.CustomObjects.CreateNamespacedCustomObjectAsync(document, ApiGroup.Group, ApiGroup.Version, Namespace, plural, cancellationToken: cancel);
    }
}
