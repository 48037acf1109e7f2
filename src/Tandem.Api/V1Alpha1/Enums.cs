using System.Text.Json.Serialization;

namespace Tandem.Api.V1Alpha1;

/// <summary>Optional engine capabilities an InferenceDeployment turns on; each is also passed to the engine.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Feature>))]
public enum Feature
{
    /// <summary>A prefill instance may become a decode instance in place, keeping the KV it computed.</summary>
    [JsonStringEnumMemberName("mutate")] Mutate,

    /// <summary>New instances take weights from a running peer over the network instead of from storage.</summary>
    [JsonStringEnumMemberName("fast-load")] FastLoad,

    /// <summary>A loading instance starts serving while its weights are still arriving.</summary>
    [JsonStringEnumMemberName("live-scaling")] LiveScaling,

    /// <summary>Unloaded weights stay in host memory so the next load is fast.</summary>
    [JsonStringEnumMemberName("host-cache")] HostCache,
}

/// <summary>Who sets the EnginePools' replicas.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ScalingMode>))]
public enum ScalingMode
{
    /// <summary>Tandem's autoscaler decides from live load.</summary>
    [JsonStringEnumMemberName("operator")] Operator,

    /// <summary>An HPA, KEDA or a person sets EnginePool replicas; the operator only clamps and carries them out.</summary>
    [JsonStringEnumMemberName("external")] External,
}

/// <summary>The autoscaling policy.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ScalingPolicyName>))]
public enum ScalingPolicyName
{
    /// <summary>Keep each role's utilization inside its band (BlitzScale's router bounds).</summary>
    [JsonStringEnumMemberName("bounds")] Bounds,

    /// <summary>Keep predicted TTFT and TPOT within the SLO.</summary>
    [JsonStringEnumMemberName("slo")] Slo,

    /// <summary>Fixed counts: each role is held at its max (set min = max for a fixed size).</summary>
    [JsonStringEnumMemberName("static")] Static,
}

/// <summary>How the router picks an instance of a role.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<InstanceChoice>))]
public enum InstanceChoice
{
    [JsonStringEnumMemberName("round-robin")] RoundRobin,
    [JsonStringEnumMemberName("random")] Random,
    [JsonStringEnumMemberName("least-loaded")] LeastLoaded,

    /// <summary>The instance holding the longest cached prefix of the prompt (a prefix tree), else least-loaded.</summary>
    [JsonStringEnumMemberName("prefix")] Prefix,
}

/// <summary>How the operator talks to engines.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<EngineAdapter>))]
public enum EngineAdapter
{
    /// <summary>Real vLLM pods (vllm serve, P/D over NIXL), controlled through vLLM's own surface: /metrics, sleep and wake_up, router membership.</summary>
    [JsonStringEnumMemberName("vllm")] Vllm,

    /// <summary>Tandem's EngineControl gRPC contract, for engines that implement it (an explicit image is required).</summary>
    [JsonStringEnumMemberName("native")] Native,

    /// <summary>Tandem's mock engine (fake tokens over the native contract), for demos and tests; never a default.</summary>
    [JsonStringEnumMemberName("mock")] Mock,
}

/// <summary>How the engine batches requests.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<BatchingMode>))]
public enum BatchingMode
{
    /// <summary>Continuous (in-flight) batching: requests join and leave the batch every step.</summary>
    [JsonStringEnumMemberName("inflight")] Inflight,

    /// <summary>A batch runs to completion before the next starts.</summary>
    [JsonStringEnumMemberName("static")] Static,
}

/// <summary>The engine scheduler's admission policy.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SchedulerPolicy>))]
public enum SchedulerPolicy
{
    /// <summary>Admit as much as fits now; may preempt when the KV cache runs out.</summary>
    [JsonStringEnumMemberName("max-utilization")] MaxUtilization,

    /// <summary>Admit only what can finish without preemption.</summary>
    [JsonStringEnumMemberName("guaranteed-completion")] GuaranteedCompletion,
}

/// <summary>The unit of KV-cache transfer from prefill to decode.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<KvTransferGranularity>))]
public enum KvTransferGranularity
{
    /// <summary>Send each layer's KV as soon as it is computed, overlapping transfer with prefill.</summary>
    [JsonStringEnumMemberName("layer")] Layer,

    /// <summary>Send a request's KV once its prefill finishes.</summary>
    [JsonStringEnumMemberName("request")] Request,
}

/// <summary>When the kubelet pulls the engine image.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<PullPolicy>))]
public enum PullPolicy
{
    [JsonStringEnumMemberName("IfNotPresent")] IfNotPresent,
    [JsonStringEnumMemberName("Always")] Always,
    [JsonStringEnumMemberName("Never")] Never,
}

/// <summary>An instance's role, as EnginePool and pod labels name it.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<EngineRole>))]
public enum EngineRole
{
    [JsonStringEnumMemberName("prefill")] Prefill,
    [JsonStringEnumMemberName("decode")] Decode,
}
