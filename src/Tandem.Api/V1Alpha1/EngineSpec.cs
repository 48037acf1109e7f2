using Tandem.Api.Schema;
using Tandem.Api.Validation;

namespace Tandem.Api.V1Alpha1;

/// <summary>How engine pods are built: image, arguments, environment, resources, placement, ports and engine options.</summary>
[Rule(ValidationRules.NativeNeedsImage)]
public sealed class EngineSpec
{
    /// <summary>Engine container image; when empty, the adapter's own: the pinned vLLM image for vllm, Tandem's image for mock (native needs one).</summary>
    [MinLength(1)]
    public string? Image { get; set; }

    /// <summary>When to pull the image.</summary>
    [Default("IfNotPresent")]
    public PullPolicy ImagePullPolicy { get; set; } = PullPolicy.IfNotPresent;

    /// <summary>Container command; the image's entrypoint when empty.</summary>
    public List<string>? Command { get; set; }

    /// <summary>Extra engine arguments, appended after the ones Tandem sets.</summary>
    public List<string>? Args { get; set; }

    /// <summary>Extra environment variables (the seeds' extra-envs).</summary>
    [ListType("map", "name")]
    public List<EnvVarSpec>? Env { get; set; }

    /// <summary>GPU, CPU and memory per instance.</summary>
    [DefaultJson("{}")]
    public EngineResources Resources { get; set; } = new();

    /// <summary>Node labels an engine pod must match.</summary>
    public Dictionary<string, string>? NodeSelector { get; set; }

    /// <summary>Taints engine pods tolerate (GPU nodes are often tainted).</summary>
    public List<TolerationSpec>? Tolerations { get; set; }

    /// <summary>Ports the engine listens on.</summary>
    [DefaultJson("{}")]
    public EnginePorts Ports { get; set; } = new();

    /// <summary>How the operator talks to the engine: vllm (real vLLM pods, the default), native (EngineControl gRPC) or mock (Tandem's mock engine, for demos and tests).</summary>
    [Default("vllm")]
    public EngineAdapter Adapter { get; set; } = EngineAdapter.Vllm;

    /// <summary>A pod template merged into every engine pod (volumes, env from secrets, affinity, securityContext...); Tandem's own fields win and a conflict is refused.</summary>
    public EnginePodTemplate? Template { get; set; }

    /// <summary>Batching and scheduling inside an engine.</summary>
    [DefaultJson("{}")]
    public BatchingSpec Batching { get; set; } = new();

    /// <summary>How KV moves from prefill to decode instances.</summary>
    [DefaultJson("{}")]
    public KvTransferSpec KvTransfer { get; set; } = new();

    /// <summary>Network hints for KV and weight transfer over RDMA.</summary>
    [DefaultJson("{}")]
    public RdmaSpec Rdma { get; set; } = new();

    /// <summary>Seconds Kubernetes waits after SIGTERM; an instance's drain must fit in it.</summary>
    [Default(60), Minimum(0), Maximum(3600)]
    public int TerminationGracePeriodSeconds { get; set; } = 60;
}

/// <summary>An environment variable with a literal value.</summary>
public sealed class EnvVarSpec
{
    /// <summary>Variable name.</summary>
    [Required, MinLength(1), Pattern("^[-._a-zA-Z][-._a-zA-Z0-9]*$", "a C identifier-like name (letters, digits, '-', '.', '_', not starting with a digit)")]
    public string Name { get; set; } = "";

    /// <summary>Variable value.</summary>
    public string? Value { get; set; }
}

/// <summary>Resources of one engine instance.</summary>
public sealed class EngineResources
{
    /// <summary>GPUs per pod; the ModelProfile's tensorParallelSize when unset.</summary>
    [Minimum(0), Maximum(64)]
    public int? Gpus { get; set; }

    /// <summary>Extended resource name of a GPU.</summary>
    [Default("nvidia.com/gpu"), MinLength(1)]
    public string GpuResourceName { get; set; } = "nvidia.com/gpu";

    /// <summary>CPU request and limit (a Kubernetes quantity such as 4 or 500m).</summary>
    [Pattern(Quantity.Pattern, Quantity.Form)]
    public string? Cpu { get; set; }

    /// <summary>Memory request and limit (a Kubernetes quantity such as 32Gi).</summary>
    [Pattern(Quantity.Pattern, Quantity.Form)]
    public string? Memory { get; set; }
}

/// <summary>A toleration of a node taint.</summary>
public sealed class TolerationSpec
{
    /// <summary>Taint key; empty with operator Exists tolerates every taint.</summary>
    public string? Key { get; set; }

    /// <summary>Exists or Equal.</summary>
    [Default("Equal"), EnumValues("Exists", "Equal")]
    public string Operator { get; set; } = "Equal";

    /// <summary>Taint value matched by Equal.</summary>
    public string? Value { get; set; }

    /// <summary>Taint effect to tolerate; all effects when empty.</summary>
    [EnumValues("NoSchedule", "PreferNoSchedule", "NoExecute")]
    public string? Effect { get; set; }
}

/// <summary>Engine ports.</summary>
[Rule(ValidationRules.EnginePortsDistinct)]
public sealed class EnginePorts
{
    /// <summary>OpenAI-compatible HTTP API.</summary>
    [Default(DefaultPorts.EngineHttp), Minimum(1), Maximum(65535)]
    public int Serving { get; set; } = DefaultPorts.EngineHttp;

    /// <summary>EngineControl gRPC (native adapter).</summary>
    [Default(DefaultPorts.EngineControl), Minimum(1), Maximum(65535)]
    public int Control { get; set; } = DefaultPorts.EngineControl;

    /// <summary>Prometheus metrics (path /metrics).</summary>
    [Default(DefaultPorts.EngineHttp), Minimum(1), Maximum(65535)]
    public int Metrics { get; set; } = DefaultPorts.EngineHttp;

    /// <summary>KV-transfer handshake (vllm: NIXL's side channel, VLLM_NIXL_SIDE_CHANNEL_PORT).</summary>
    [Default(DefaultPorts.KvSideChannel), Minimum(1), Maximum(65535)]
    public int KvSideChannel { get; set; } = DefaultPorts.KvSideChannel;
}

/// <summary>Batching inside an engine.</summary>
public sealed class BatchingSpec
{
    /// <summary>inflight (continuous batching) or static.</summary>
    [Default("inflight")]
    public BatchingMode Mode { get; set; } = BatchingMode.Inflight;

    /// <summary>max-utilization or guaranteed-completion.</summary>
    [Default("max-utilization")]
    public SchedulerPolicy SchedulerPolicy { get; set; } = SchedulerPolicy.MaxUtilization;

    /// <summary>Most prompt tokens in one prefill batch; the engine's own default when unset.</summary>
    [Minimum(1)]
    public int? MaxBatchTokens { get; set; }
}

/// <summary>KV-cache transfer between roles.</summary>
public sealed class KvTransferSpec
{
    /// <summary>layer (overlap transfer with prefill) or request (send after prefill); the engine's own when unset.</summary>
    public KvTransferGranularity? Granularity { get; set; }

    /// <summary>Decode instances return finished KV to prefill instances for reuse by later turns.</summary>
    [Default(false)]
    public bool ReturnToPrefill { get; set; }

    /// <summary>Keep a radix tree of cached prefixes on prefill instances.</summary>
    [Default(false)]
    public bool RadixCache { get; set; }

    /// <summary>Offload cold KV blocks to host memory instead of dropping them.</summary>
    [Default(false)]
    public bool HostOffload { get; set; }
}

/// <summary>RDMA hints for the engines' transfer paths.</summary>
public sealed class RdmaSpec
{
    /// <summary>InfiniBand verbs rate in Gb/s (the seeds' ibv_rate); the NIC's own when unset.</summary>
    [Minimum(1), Maximum(3200)]
    public int? IbvRate { get; set; }

    /// <summary>Instances of one deployment may span nodes, so transfers cross the network.</summary>
    [Default(false)]
    public bool InterNode { get; set; }
}

/// <summary>Default images.</summary>
public static class Defaults
{
    /// <summary>The Tandem image: operator, mock engine and router in one program.</summary>
    public const string Image = "ghcr.io/tandem-serving/tandem:0.1.0";

    /// <summary>The vLLM image the vllm adapter runs when engine.image is empty (the version docs/engines/vllm.md follows).</summary>
    public const string VllmImage = "vllm/vllm-openai:v0.11.0";
}
