using Tandem.Scaling.Lifecycle;
using Tandem.Scaling.Models;

namespace Tandem.Scaling.Policies;

/// <summary>
/// Everything a policy sees: the time (from the caller's TimeProvider), the model's numbers, the user's bounds, the
/// router's queue and every instance. Warm and standby timers are read from <see cref="InstanceView.StateSince"/>, so
/// the input carries them; windowed memory (HPA stabilization, KPA averages) is held by the policy object.
/// </summary>
public sealed record ScalingInput(
    DateTimeOffset Now,
    ModelNumbers Model,
    ScalingBounds Bounds,
    RouterLoad Load,
    IReadOnlyList<InstanceView> Instances);

/// <summary>The router's load: W, the prompt tokens waiting for a prefill instance, and optional arrival rates.</summary>
public sealed record RouterLoad(long QueuedPromptTokens)
{
    /// <summary>Requests waiting for prefill (gives the mean prompt length of the queue).</summary>
    public int QueuedRequests { get; init; }

    /// <summary>Recent arrival rate of prompt tokens, when the caller measures it (the slo policy uses it).</summary>
    public double? PromptTokensPerSecond { get; init; }

    /// <summary>
    /// Prompt tokens per second over the last <see cref="FastWindow"/>, when the caller measures it: sees a burst's onset
    /// within one or two decisions, where the slow rate lags by its window.
    /// </summary>
    public double? FastPromptTokensPerSecond { get; init; }

    /// <summary>The fast estimate's window: two decision intervals of 1 s, so one decision's arrivals never fill it alone.</summary>
    public static TimeSpan FastWindow { get; } = TimeSpan.FromSeconds(2);

    /// <summary>The arrival rate to plan with: the larger of the fast and slow estimates (a burst's start, a burst's tail).</summary>
    public double? PlanningRate => FastPromptTokensPerSecond is { } fast ? Math.Max(fast, PromptTokensPerSecond ?? 0) : PromptTokensPerSecond;
}

/// <summary>One engine instance as the policy sees it (DESIGN §3: the engine's status stream plus the pod's labels).</summary>
public sealed record InstanceView(string Id, InstanceRole? Role, InstanceState State, DateTimeOffset StateSince)
{
    /// <summary>KV blocks in use (prefill: KV computed and not yet migrated; decode: running sequences).</summary>
    public int UsedKvBlocks { get; init; }

    /// <summary>Prefilled KV tokens not yet moved to a decode instance (prefill instances).</summary>
    public long UnmigratedKvTokens { get; init; }

    public int RunningRequests { get; init; }

    public int WaitingRequests { get; init; }

    /// <summary>A peer is loading weights from this instance: it must not be drained.</summary>
    public bool IsWeightSource { get; init; }

    /// <summary>For Pending pods: whether the pod is scheduled yet (an unschedulable pod will not become standby soon).</summary>
    public bool PodScheduled { get; init; } = true;

    /// <summary>Active or Loading: counts as capacity of its role.</summary>
    public bool IsServing => State is InstanceState.Active or InstanceState.Loading;

    /// <summary>Live work used to pick the instance to remove: fewer blocks first, then fewer in-flight requests.</summary>
    public (int Blocks, int InFlight) LiveWork => (UsedKvBlocks, RunningRequests + WaitingRequests);
}
