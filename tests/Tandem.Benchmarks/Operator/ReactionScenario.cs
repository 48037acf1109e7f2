namespace Tandem.Benchmarks.Operator;

/// <summary>Counts of a deployment's engine pods by lifecycle state (from their labels).</summary>
internal sealed record FleetCounts(int ActivePrefill, int ActiveDecode, int Warm, int Standby, int Draining, int Loading, int Other, int Pods)
{
    public static FleetCounts Of(IReadOnlyList<PodView> pods)
    {
        int Count(string state, string? role = null) => pods.Count(p => p.State == state && (role is null || p.Role == role));
        var known = Count("active") + Count("warm") + Count("standby") + Count("draining") + Count("loading");
        return new FleetCounts(Count("active", "prefill"), Count("active", "decode"), Count("warm"), Count("standby"), Count("draining"), Count("loading"), pods.Count - known, pods.Count);
    }

    public override string ToString() => $"P{ActivePrefill} D{ActiveDecode} warm{Warm} standby{Standby} draining{Draining} loading{Loading} other{Other} pods{Pods}";
}

/// <summary>
/// One scale-up path to measure: the deployment settings that leave exactly that kind of spare capacity when the fleet
/// is idle at its minimum, the idle state to wait for before each load step, and the path the first action must take.
/// </summary>
internal sealed record ReactionScenario(
    string Path,
    string Deployment,
    string Features,
    int StandbyReplicas,
    string ScaleDownDelay,
    string IdleTimeout,
    string ExpectedAction,
    bool NeedsPriming,
    Func<FleetCounts, bool> IsIdle,
    string IdleDescription)
{
    /// <summary>The autoscaler's decision period in every scenario (it bounds the decision delay).</summary>
    public const string Interval = "200ms";

    /// <summary>The four paths: warm reuse, standby with weights from a peer and from storage, and a cold pod.</summary>
    public static IReadOnlyList<ReactionScenario> All { get; } =
    [
        // Instances stay warm for 5 s after a drain (the idle state is reached right after the drain), so the step
        // after a priming step finds a warm one. The policy holds a prefill scale-down for scaleDownDelay + idleTimeout.
        new("warm", "react-warm", "[fast-load]", 0, "5s", "500ms", ReactionPaths.Warm, true,
            f => AtMinimum(f) && f.Warm >= 1, "1+1 active, >=1 warm"),
        // Warm lasts 300 ms, then instances unload to standby; the buffer keeps two standby pods (only extra ones go
        // after idleTimeout).
        new("standby (peer, fast-load)", "react-peer", "[fast-load]", 2, "300ms", "500ms", ReactionPaths.StandbyPeer, false,
            f => AtMinimum(f) && f.Warm == 0 && f.Standby >= 1, "1+1 active, 0 warm, >=1 standby"),
        new("standby (storage)", "react-storage", "[]", 2, "300ms", "500ms", ReactionPaths.StandbyStorage, false,
            f => AtMinimum(f) && f.Warm == 0 && f.Standby >= 1, "1+1 active, 0 warm, >=1 standby"),
        // No standby buffer and a short idle timeout: extra pods are deleted, so a step must create a pod.
        new("cold (new pod)", "react-cold", "[fast-load]", 0, "300ms", "500ms", ReactionPaths.Cold, false,
            f => AtMinimum(f) && f.Pods == 2, "1+1 active and no other pod"),
    ];

    private static bool AtMinimum(FleetCounts f) => f.ActivePrefill == 1 && f.ActiveDecode == 1 && f.Draining == 0 && f.Loading == 0 && f.Other == 0;

    /// <summary>The ModelProfile every scenario uses: the mock engine's load times come from <c>loadTime</c>.</summary>
    public const string Profile = """
        apiVersion: serving.tandem.dev/v1alpha1
        kind: ModelProfile
        metadata:
          name: react-model
        spec:
          source: {uri: hf://example/react-model}
          tensorParallelSize: 1
          numHiddenLayers: 4
          kvCacheBlocks: 64
          throughput: {prefillTokensPerSecond: 4000, transferTokensPerSecond: 200000, decodeStepMillis: 5, decodeStepMillisPerRequest: 0.1}
          loadTime: {storage: 2s, hostCache: 800ms, peer: 400ms}
        """;

    /// <summary>Load times of <see cref="Profile"/>, as reported next to the table.</summary>
    public static IReadOnlyDictionary<string, string> ProfileLoadTimes { get; } = new Dictionary<string, string>
    {
        ["storage"] = "2s",
        ["hostCache"] = "800ms",
        ["peer"] = "400ms",
    };

    /// <summary>The InferenceDeployment of this scenario: one instance per role at minimum, at most two.</summary>
    public string DeploymentYaml() => $$$"""
        apiVersion: serving.tandem.dev/v1alpha1
        kind: InferenceDeployment
        metadata:
          name: {{{Deployment}}}
        spec:
          model: react-model
          features: {{{Features}}}
          engine: {adapter: mock}
          scaling:
            mode: operator
            interval: {{{Interval}}}
            prefill: {min: 1, max: 2, utilization: {lower: 0.05, upper: 0.3}}
            decode: {min: 1, max: 2, utilization: {lower: 0.2, upper: 0.7}}
            migration: {lower: 0, upper: 0.4}
            scaleDownDelay: {{{ScaleDownDelay}}}
            standby: {replicas: {{{StandbyReplicas}}}, idleTimeout: {{{IdleTimeout}}}}
        """;
}
