using k8s;
using k8s.Models;
using Tandem.Api.Schema;

namespace Tandem.Api.V1Alpha1;

/// <summary>What a model needs and how fast it runs; many InferenceDeployments can share one.</summary>
[KubernetesEntity(Group = ApiGroup.Group, ApiVersion = ApiGroup.Version, Kind = KubeKind, PluralName = "modelprofiles")]
[CustomResource("modelprofile", "modelprofiles", ShortNames = ["mp"], Categories = [ApiGroup.Category])]
[PrinterColumn("TP", "integer", ".spec.tensorParallelSize", Description = "GPUs per instance")]
[PrinterColumn("Prefill tok/s", "integer", ".spec.throughput.prefillTokensPerSecond")]
[PrinterColumn("KV Blocks", "integer", ".spec.kvCacheBlocks")]
[PrinterColumn("Age", "date", ".metadata.creationTimestamp")]
public sealed class ModelProfile : IKubernetesObject<V1ObjectMeta>, ISpec<ModelProfileSpec>
{
    public const string KubeKind = "ModelProfile";

    public string ApiVersion { get; set; } = ApiGroup.GroupVersion;

    public string Kind { get; set; } = KubeKind;

    public V1ObjectMeta Metadata { get; set; } = new();

    /// <summary>The model's needs and speed.</summary>
    [Required]
    public ModelProfileSpec Spec { get; set; } = new();
}

/// <summary>The numbers of a model that scaling and the engines depend on (the seed templates' [models] table).</summary>
public sealed class ModelProfileSpec
{
    /// <summary>Where the weights and tokenizer come from.</summary>
    [Required]
    public ModelSource Source { get; set; } = new();

    /// <summary>GPUs per instance (one tensor-parallel group); engine pods request this many GPUs unless engine.resources.gpus says otherwise.</summary>
    [Default(1), Minimum(1), Maximum(64)]
    public int TensorParallelSize { get; set; } = 1;

    /// <summary>Pipeline-parallel stages per instance; an instance spans this many pods when above 1.</summary>
    [Default(1), Minimum(1), Maximum(64)]
    public int PipelineParallelSize { get; set; } = 1;

    /// <summary>Data-parallel replicas inside one instance.</summary>
    [Default(1), Minimum(1), Maximum(64)]
    public int DataParallelSize { get; set; } = 1;

    /// <summary>Transformer layers; layer-wise KV transfer and live scaling move weights and KV per layer.</summary>
    [Required, Minimum(1)]
    public int NumHiddenLayers { get; set; }

    /// <summary>KV-cache blocks available per instance (num_available_blocks); M in decode utilization B / (N_D · M).</summary>
    [Required, Minimum(1)]
    public int KvCacheBlocks { get; set; }

    /// <summary>Tokens per KV-cache block.</summary>
    [Default(64), Minimum(1), Maximum(1024)]
    public int KvBlockTokens { get; set; } = 64;

    /// <summary>Longest prompt plus output, in tokens; requests beyond it are refused.</summary>
    [Minimum(1)]
    public int? MaxModelLength { get; set; }

    /// <summary>Share of GPU memory the engine may take for weights and KV cache.</summary>
    [Default(0.9), Minimum(0, Exclusive = true), Maximum(1)]
    public double GpuMemoryUtilization { get; set; } = 0.9;

    /// <summary>Measured speed of one instance.</summary>
    [Required]
    public ModelThroughput Throughput { get; set; } = new();

    /// <summary>How long loading the weights takes from each source, and a new pod's cold start; the mock engine and the simulator use these.</summary>
    [DefaultJson("{}")]
    public LoadTimeHints LoadTime { get; set; } = new();

    /// <summary>Default latency targets for deployments of this model.</summary>
    [DefaultJson("{}")]
    public ModelSlo Slo { get; set; } = new();
}

/// <summary>Where a model's weights and tokenizer are.</summary>
public sealed class ModelSource
{
    /// <summary>URI or path of the weights (hf://org/name, s3://bucket/path, /models/llama).</summary>
    [Required, MinLength(1)]
    public string Uri { get; set; } = "";

    /// <summary>URI or path of the tokenizer; the weights' tokenizer when empty.</summary>
    public string? Tokenizer { get; set; }
}

/// <summary>Per-instance speed (the seeds' tokens_prefilled_per_sec and tokens_transferred_per_sec).</summary>
public sealed class ModelThroughput
{
    /// <summary>R: prompt tokens one instance prefills per second; prefill utilization is W / (N_P · R).</summary>
    [Required, Minimum(1)]
    public int PrefillTokensPerSecond { get; set; }

    /// <summary>T: KV tokens one instance moves to another per second; migration is P / (N_D · T).</summary>
    [Required, Minimum(1)]
    public int TransferTokensPerSecond { get; set; }

    /// <summary>Time of one decode step with a single request, in milliseconds.</summary>
    [Default(20.0), Minimum(0, Exclusive = true)]
    public double DecodeStepMillis { get; set; } = 20.0;

    /// <summary>What each further request in the batch adds to a decode step, in milliseconds.</summary>
    [Default(0.05), Minimum(0)]
    public double DecodeStepMillisPerRequest { get; set; } = 0.05;
}

/// <summary>Weight load times from each source (the seeds' mock_load_millis) and a new pod's cold start, as durations.</summary>
public sealed class LoadTimeHints
{
    /// <summary>From storage (object store or disk): the cold path.</summary>
    [Default("10s"), Duration]
    public string Storage { get; set; } = "10s";

    /// <summary>From host memory (feature host-cache).</summary>
    [Default("2s"), Duration]
    public string HostCache { get; set; } = "2s";

    /// <summary>From a running peer over the network (feature fast-load).</summary>
    [Default("1s"), Duration]
    public string Peer { get; set; } = "1s";

    /// <summary>A new pod's time to a standby engine before any weights load: scheduling, image pull, process start; the simulator's cold start.</summary>
    [Default("30s"), Duration]
    public string ColdStart { get; set; } = "30s";
}

/// <summary>Default SLOs of a model: TTFT as a multiple of the zero-load prefill time, TPOT as a duration.</summary>
public sealed class ModelSlo
{
    /// <summary>TTFT SLO = this × the zero-load prefill time of the prompt.</summary>
    [Default(3.0), Minimum(1)]
    public double TtftScale { get; set; } = 3.0;

    /// <summary>Time-per-output-token SLO.</summary>
    [Default("100ms"), Duration]
    public string Tpot { get; set; } = "100ms";
}
