namespace Tandem.Scaling.Lifecycle;

/// <summary>
/// Where an engine instance is in its life (DESIGN §2): Pending → Standby → Loading → Active → Draining → Warm →
/// Standby → deleted. Also the value of the pod label <c>serving.tandem.dev/state</c> (lower case).
/// </summary>
public enum InstanceState
{
    /// <summary>The pod exists but the engine is not up yet (scheduling, image pull, process start).</summary>
    Pending,

    /// <summary>The engine runs without weights: holds GPUs, serves nothing, can load quickly.</summary>
    Standby,

    /// <summary>Weights are arriving (from storage, host cache or a peer); with live-scaling it may already serve.</summary>
    Loading,

    /// <summary>Serving its role.</summary>
    Active,

    /// <summary>Takes no new work; finishes or migrates what it has.</summary>
    Draining,

    /// <summary>Drained, weights resident, idle: the cheapest instance to bring back, kept for scaleDownDelay.</summary>
    Warm,
}
