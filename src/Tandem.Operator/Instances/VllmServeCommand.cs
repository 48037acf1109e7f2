using System.Globalization;
using k8s.Models;
using Tandem.Api.V1Alpha1;

namespace Tandem.Operator.Instances;

/// <summary>
/// The <c>vllm serve</c> command line and environment of a vllm engine pod: prefill/decode disaggregation over NIXL
/// (<c>kv_both</c>, so any instance can take either role and a role change is only a router membership change), the
/// ModelProfile's parallelism and limits, and sleep mode for the host-cache and standby tiers. Every engine and profile
/// field vLLM has is mapped; a field it lacks is refused by <see cref="Problems"/> with its path, never dropped.
/// Argument and variable names follow vLLM's source: EngineArgs in vllm/engine/arg_utils.py (commit 001999d2 and
/// later), VLLM_NIXL_SIDE_CHANNEL_HOST/PORT in vllm/envs.py (commit f218f9c2), the dev-mode sleep router in
/// vllm/entrypoints/serve/sleep/api_router.py (commit 09cb327f); the pinned image is <see cref="Defaults.VllmImage"/>.
/// </summary>
public static class VllmServeCommand
{
    /// <summary>vLLM's KV-transfer config: NixlConnector, each instance both producer and consumer of KV.</summary>
    public const string KvTransferConfig = """{"kv_connector":"NixlConnector","kv_role":"kv_both"}""";

    /// <summary>Block sizes vLLM's CacheConfig accepts.</summary>
    public static IReadOnlyList<int> BlockSizes { get; } = [1, 8, 16, 32, 64, 128];

    /// <summary>The container command (independent of the image's entrypoint).</summary>
    public static List<string> Command { get; } = ["vllm", "serve"];

    /// <summary>vllm serve's arguments: the model, then Tandem's flags, then engine.args.</summary>
    public static List<string> Arguments(InferenceDeployment deployment, ModelProfile profile)
    {
        var engine = deployment.Spec.Engine;
        var model = profile.Spec;
        var args = new List<string>
        {
            ModelReference(model.Source.Uri),
            "--port", Text(engine.Ports.Serving),
            "--served-model-name", profile.Metadata.Name,
            "--tensor-parallel-size", Text(model.TensorParallelSize),
            "--gpu-memory-utilization", model.GpuMemoryUtilization.ToString("0.###", CultureInfo.InvariantCulture),
            "--block-size", Text(model.KvBlockTokens),
            "--kv-transfer-config", KvTransferConfig,
            // Sleep mode backs the host-cache (level 1) and weightless standby (level 2) tiers.
            "--enable-sleep-mode",
            // vLLM V1 caches prefixes by default; radixCache says whether the user wants it.
            engine.KvTransfer.RadixCache ? "--enable-prefix-caching" : "--no-enable-prefix-caching",
        };
        if (model.Source.Tokenizer is { } tokenizer)
        {
            args.AddRange(["--tokenizer", ModelReference(tokenizer)]);
        }

        if (model.MaxModelLength is { } maxLength)
        {
            args.AddRange(["--max-model-len", Text(maxLength)]);
        }

        if (engine.Batching.MaxBatchTokens is { } batchTokens)
        {
            args.AddRange(["--max-num-batched-tokens", Text(batchTokens)]);
        }

        args.AddRange(engine.Args ?? []);
        return args;
    }

    /// <summary>vLLM's environment: the NIXL side channel on the pod's own IP, and the dev-mode sleep endpoints.</summary>
    public static IEnumerable<V1EnvVar> Environment(EngineSpec engine)
    {
        yield return new V1EnvVar { Name = "VLLM_NIXL_SIDE_CHANNEL_HOST", Value = $"$({PodEnvironment.PodIp})" };
        yield return new V1EnvVar { Name = "VLLM_NIXL_SIDE_CHANNEL_PORT", Value = Text(engine.Ports.KvSideChannel) };
        // /sleep, /wake_up and /is_sleeping exist only in dev mode (attach_router checks VLLM_SERVER_DEV_MODE).
        yield return new V1EnvVar { Name = "VLLM_SERVER_DEV_MODE", Value = "1" };
    }

    /// <summary>Fields of the deployment or profile that vLLM has no equivalent for, each with its path and why.</summary>
    public static IEnumerable<string> Problems(InferenceDeployment deployment, ModelProfile profile)
    {
        var engine = deployment.Spec.Engine;
        var model = profile.Spec;
        if (ModelReferenceProblem(model.Source.Uri) is { } uri)
        {
            yield return $"ModelProfile {profile.Metadata.Name} spec.source.uri: {uri}";
        }

        if (model.Source.Tokenizer is { } tokenizer && ModelReferenceProblem(tokenizer) is { } tok)
        {
            yield return $"ModelProfile {profile.Metadata.Name} spec.source.tokenizer: {tok}";
        }

        if (model.PipelineParallelSize > 1)
        {
            yield return $"ModelProfile {profile.Metadata.Name} spec.pipelineParallelSize: {model.PipelineParallelSize} spans pods, which the vllm adapter does not build (one pod per instance); use 1";
        }

        if (model.DataParallelSize > 1)
        {
            yield return $"ModelProfile {profile.Metadata.Name} spec.dataParallelSize: {model.DataParallelSize} is not built by the vllm adapter (scale instances instead); use 1";
        }

        if (!BlockSizes.Contains(model.KvBlockTokens))
        {
            yield return $"ModelProfile {profile.Metadata.Name} spec.kvBlockTokens: vLLM's --block-size takes one of {string.Join(", ", BlockSizes)}, not {model.KvBlockTokens}";
        }

        if (engine.Batching.Mode == BatchingMode.Static)
        {
            yield return "spec.engine.batching.mode: vLLM batches continuously (inflight); it has no static batching";
        }

        if (engine.Batching.SchedulerPolicy == SchedulerPolicy.GuaranteedCompletion)
        {
            yield return "spec.engine.batching.schedulerPolicy: vLLM's scheduler has no guaranteed-completion policy (it preempts when KV runs out); use max-utilization";
        }

        if (engine.KvTransfer.Granularity == KvTransferGranularity.Layer)
        {
            yield return "spec.engine.kvTransfer.granularity: vLLM's NixlConnector moves a request's KV after its prefill (request), not per layer; use request or leave it unset";
        }

        if (engine.KvTransfer.ReturnToPrefill)
        {
            yield return "spec.engine.kvTransfer.returnToPrefill: vLLM's NixlConnector does not return KV from decode to prefill instances";
        }

        if (engine.KvTransfer.HostOffload)
        {
            yield return "spec.engine.kvTransfer.hostOffload: not mapped by the vllm adapter (vLLM offloads KV through a KV connector such as LMCache); configure it in engine.args";
        }

        if (engine.Rdma.IbvRate is not null)
        {
            yield return "spec.engine.rdma.ibvRate: vLLM's NixlConnector has no rate setting (UCX chooses); set UCX variables in engine.env instead";
        }

        if (engine.Ports.Metrics != engine.Ports.Serving)
        {
            yield return $"spec.engine.ports.metrics: vLLM serves /metrics on its serving port ({engine.Ports.Serving}), not {engine.Ports.Metrics}";
        }

        if (deployment.Spec.Has(Feature.LiveScaling))
        {
            yield return "spec.features: live-scaling has no vLLM equivalent (vLLM serves only once its weights are loaded)";
        }
    }

    /// <summary>What a deployment asked for that vLLM cannot do and that falls back to another tier (for the AbleToScale condition); null when nothing does.</summary>
    public static string? Fallbacks(InferenceDeploymentSpec spec) =>
        spec.Engine.Adapter == EngineAdapter.Vllm && spec.Has(Feature.FastLoad)
            ? "fast-load has no vLLM equivalent (vLLM cannot load weights from a peer): new instances wake from sleep or start a pod instead"
            : null;

    /// <summary>The model argument vLLM takes for a profile URI: a Hugging Face repo id, a path, or an object-store URI.</summary>
    public static string ModelReference(string uri) =>
        uri.StartsWith("hf://", StringComparison.Ordinal) ? uri["hf://".Length..] : uri;

    private static string? ModelReferenceProblem(string uri) =>
        uri.StartsWith("hf://", StringComparison.Ordinal) || uri.StartsWith('/') || uri.StartsWith("s3://", StringComparison.Ordinal) || uri.StartsWith("gs://", StringComparison.Ordinal)
            ? null
            : $"'{uri}' is not something vllm serve loads: use hf://org/name, an absolute path (mount it through engine.template) or s3:// / gs:// (with --load-format runai_streamer in engine.args)";

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
