using System.Text.RegularExpressions;
using k8s;
using k8s.Models;
using Tandem.Api.V1Alpha1;
using Tandem.Cli.Embedded;
using Tandem.Cli.Tests.Chart;
using Tandem.Engines.Load;

namespace Tandem.Cli.Tests.EndToEnd;

/// <summary>
/// With the <c>mutate</c> feature, a prefill instance becomes a decode instance in place when the bands call for it
/// (DESIGN §2): prefill is over-provisioned while decode needs more and the cluster has no GPU left for a new pod.
/// </summary>
[Collection(EndToEndCollection.Name)]
public class MutateEndToEndTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    // Four GPUs: 1 prefill + 1 decode at rest, prefill grows to 3 under long prompts and fills the node. A long
    // idleTimeout makes prefill's scale-down hold (scaleDownDelay + idleTimeout) outlast the test, so no prefill
    // instance drains to warm (a warm instance would be reused before any mutation); a mutation does not wait for it.
    private const string Deployment = """
        apiVersion: serving.tandem.dev/v1alpha1
        kind: InferenceDeployment
        metadata:
          name: chat
        spec:
          model: tiny
          features: [mutate]
          engine: {adapter: ADAPTER}
          scaling:
            interval: 200ms
            prefill: {min: 1, max: 3, utilization: {lower: 0.05, upper: 0.3}}
            decode: {min: 1, max: 4, utilization: {lower: 0.2, upper: 0.7}}
            migration: {lower: 0, upper: 0.4}
            scaleDownDelay: 1s
            standby: {replicas: 0, idleTimeout: 120s}
        """;

    // mock: SetRole over the native EngineControl contract; vllm: the same pod's router membership changes (kv_both).
    [Theory]
    [InlineData("mock")]
    [InlineData("vllm")]
    public async Task Prefill_instance_becomes_an_active_decode_instance_in_place_when_prefill_is_idle_and_decode_has_no_gpu_left(string adapter)
    {
        await using var stack = await EmbeddedStack.StartAsync(new EmbeddedStackOptions { Nodes = 1, GpusPerNode = 4 });
        await KubectlAsync(stack, "apply", "-f", await WriteAsync(stack, TestDeployments.Profile + "\n---\n" + Deployment.Replace("ADAPTER", adapter, StringComparison.Ordinal)));
        await KubectlAsync(stack, "wait", "--for=condition=Ready", "inferencedeployment/chat", "--timeout=60s");
        var router = (await stack.RouterUrlAsync("chat"))!;
        using var http = new HttpClient();
        var load = new LoadGenerator(http);

        await using var sampler = new PodSampler(stack);

        // Phase 1, prefill-heavy: long prompts with one output token grow prefill to the node's spare GPUs.
        var prefillHeavy = await load.RunAsync(LoadPlan.FixedRate(rate: 8, count: 40, inputTokens: 1000, outputTokens: 1, seed: 1),
            new LoadOptions { Url = router, Duration = TimeSpan.FromSeconds(60) });
        await Eventually.HoldsAsync(() => PodSampler.SampleAsync(stack),
            pods => pods.Count(p => p.Is("prefill", "active")) >= 2, Deadline, "two active prefill instances");

        // Phase 2, decode-heavy: short prompts with long answers fill decode's KV cache while the prompt rate falls
        // below prefill's band. Decode must grow, prefill must shrink, and no GPU is free: a prefill instance mutates.
        var decodeHeavy = await load.RunAsync(LoadPlan.FixedRate(rate: 12, count: 120, inputTokens: 16, outputTokens: 300, seed: 2),
            new LoadOptions { Url = router, Duration = TimeSpan.FromSeconds(90) });

        var failures = prefillHeavy.Concat(decodeHeavy).Where(o => o.Failed).Select(o => o.Error).ToArray();
        Assert.True(failures.Length == 0, $"{failures.Length} failed requests: " + string.Join("\n", failures.Take(3)));
        Assert.Equal(160, prefillHeavy.Count + decodeHeavy.Count);

        var events = await KubectlAsync(stack, "get", "events.events.k8s.io", "-o", "custom-columns=REASON:.reason,NOTE:.note", "--no-headers");
        var mutation = events.Split('\n').FirstOrDefault(l => l.StartsWith("RoleChanged", StringComparison.Ordinal));
        Assert.True(mutation is not null, "no RoleChanged event; events:\n" + events);
        var mutated = Regex.Match(mutation!, @"Instance (\S+) changed role prefill -> decode in place").Groups[1].Value;

        // The same pod (same UID) served decode, and it stayed active throughout the change: no drain, no unload, no
        // standby. Judged from the sampler's history, not the pods now: once the load ends, the idle decode instance
        // may already have been scaled down after the 1 s delay.
        await Eventually.HoldsAsync(() => Task.FromResult(sampler.Samples),
            samples => samples.Any(s => s.Any(p => p.Name == mutated && p.Is("decode", "active"))), Deadline, $"{mutated} seen as active decode");
        var history = sampler.Samples.Select(s => s.SingleOrDefault(p => p.Name == mutated)).OfType<PodLook>().ToArray();
        var becameDecode = Array.FindIndex(history, p => p.Is("decode", "active"));
        var lastPrefill = Array.FindLastIndex(history, becameDecode, p => p.Is("prefill", "active"));
        Assert.True(lastPrefill >= 0, $"{mutated} was never seen as active prefill before it served decode: " + string.Join(", ", history.Take(becameDecode + 1)));
        var change = history[lastPrefill..(becameDecode + 1)];
        Assert.All(change, p => Assert.True(p.Uid == change[0].Uid && p.State == "active", $"{mutated} was seen as {p} while it changed role"));
    }

    private static async Task<string> KubectlAsync(EmbeddedStack stack, params string[] args)
    {
        var kubectl = await ChartTools.KubectlAsync();
        var result = await ExternalProcess.RunAsync(kubectl, ["--kubeconfig", stack.KubeconfigPath, .. args]);
        return result.EnsureSuccess("kubectl " + string.Join(' ', args)).Output;
    }

    private static async Task<string> WriteAsync(EmbeddedStack stack, string yaml)
    {
        var file = Path.Combine(Path.GetDirectoryName(stack.KubeconfigPath)!, $"manifest-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, yaml);
        return file;
    }

    /// <summary>One engine pod as its labels show it.</summary>
    private sealed record PodLook(string Name, string Uid, string? Role, string? State)
    {
        public bool Is(string role, string state) => Role == role && State == state;
    }

    /// <summary>Samples every engine pod's role and state every 100 ms until disposed (bounded: stops by itself then).</summary>
    private sealed class PodSampler : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly List<IReadOnlyList<PodLook>> _samples = [];
        private readonly Task _loop;

        public PodSampler(EmbeddedStack stack) => _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                var sample = await SampleAsync(stack);
                lock (_samples)
                {
                    _samples.Add(sample);
                }

                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(100), _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        });

        public IReadOnlyList<IReadOnlyList<PodLook>> Samples
        {
            get
            {
                lock (_samples)
                {
                    return _samples.ToArray();
                }
            }
        }

        public static async Task<IReadOnlyList<PodLook>> SampleAsync(EmbeddedStack stack) =>
            (await stack.Client.CoreV1.ListNamespacedPodAsync("default", labelSelector: $"{WellKnownLabels.Deployment}=chat,{WellKnownLabels.Component}=engine")).Items
                .Where(p => p.Metadata.DeletionTimestamp is null)
                .Select(p => new PodLook(p.Metadata.Name, p.Metadata.Uid, Label(p, WellKnownLabels.Role), Label(p, WellKnownLabels.State)))
                .ToArray();

        private static string? Label(V1Pod pod, string key) => pod.Metadata.Labels?.TryGetValue(key, out var value) == true ? value : null;

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _loop;
            _stop.Dispose();
        }
    }
}
