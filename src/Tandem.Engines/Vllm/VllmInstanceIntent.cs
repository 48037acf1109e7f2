using Tandem.Scaling.Lifecycle;

namespace Tandem.Engines.Vllm;

/// <summary>What the operator last asked of a vLLM instance; vLLM itself only knows awake or asleep.</summary>
public enum VllmIntent
{
    /// <summary>Nothing asked yet (a new pod, or an operator restart): an awake engine counts as warm.</summary>
    Unrouted,

    /// <summary>Waking up (and reloading weights after level 2) before it is routed.</summary>
    Waking,

    /// <summary>In the router's membership for its role.</summary>
    Routed,

    /// <summary>Shown to the router as draining: no new work, running requests finish.</summary>
    Draining,
}

/// <summary>
/// The BlitzScale tiers on vLLM's surface, as a pure mapping: active = routed; warm = awake, not routed; draining =
/// not taking new work while vLLM reports running or waiting requests; standby = asleep (level 1 keeps weights in host
/// memory, level 2 drops them); loading = waking.
/// </summary>
public static class VllmStateMapping
{
    /// <summary>The lifecycle state of an instance with <paramref name="intent"/> whose server reports the rest.</summary>
    public static InstanceState Derive(VllmIntent intent, bool sleeping, int running, int waiting) => (intent, sleeping) switch
    {
        (VllmIntent.Waking, _) => InstanceState.Loading,
        (_, true) => InstanceState.Standby,
        (VllmIntent.Routed, false) => InstanceState.Active,
        (VllmIntent.Draining, false) when running + waiting > 0 => InstanceState.Draining,
        _ => InstanceState.Warm,
    };
}
