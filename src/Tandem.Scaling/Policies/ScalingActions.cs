using Tandem.Scaling.Lifecycle;

namespace Tandem.Scaling.Policies;

/// <summary>One step of a decision, with the reason it is taken (logged and shown as the deployment's last decision).</summary>
public abstract record ScalingAction(string Reason);

/// <summary>Draining → Active: a scale-up takes back an instance that was still draining (fast tier, first choice).</summary>
public sealed record CancelDrain(string InstanceId, string Reason) : ScalingAction(Reason);

/// <summary>Warm → Active(role): weights are resident, the instance serves at once (second choice).</summary>
public sealed record ReuseWarm(string InstanceId, InstanceRole Role, string Reason) : ScalingAction(Reason);

/// <summary>Active(prefill) → Active(decode) under <c>mutate</c>, when prefill shrinks while decode grows (third choice).</summary>
public sealed record Mutate(string InstanceId, string Reason) : ScalingAction(Reason);

/// <summary>Standby → Loading(role): load weights from <paramref name="Source"/> (fourth choice).</summary>
public sealed record ActivateStandby(string InstanceId, InstanceRole Role, WeightSource Source, string Reason) : ScalingAction(Reason);

/// <summary>Active → Draining: stop intake, finish or migrate work, then stay warm.</summary>
public sealed record Drain(string InstanceId, string Reason) : ScalingAction(Reason);

/// <summary>Warm → Standby: scaleDownDelay passed, unload weights (the pod keeps its GPUs).</summary>
public sealed record Unload(string InstanceId, string Reason) : ScalingAction(Reason);

/// <summary>
/// Slow tier: create <paramref name="Count"/> pods. <paramref name="ForRole"/> is set when they are cold starts for a
/// scale-up the fast tier could not fill, null when they refill the standby buffer.
/// </summary>
public sealed record CreatePods(int Count, InstanceRole? ForRole, string Reason) : ScalingAction(Reason);

/// <summary>Slow tier: delete a standby pod beyond the buffer that idled past idleTimeout, giving its GPUs back.</summary>
public sealed record DeletePod(string InstanceId, string Reason) : ScalingAction(Reason);

/// <summary>Where a standby instance takes its weights from.</summary>
public enum WeightSourceKind
{
    Storage,
    HostCache,
    Peer,
}

/// <summary>A weight source; <see cref="PeerId"/> names the running instance for <see cref="WeightSourceKind.Peer"/>.</summary>
public sealed record WeightSource(WeightSourceKind Kind, string? PeerId = null)
{
    public static WeightSource Storage { get; } = new(WeightSourceKind.Storage);

    public static WeightSource HostCache { get; } = new(WeightSourceKind.HostCache);

    public static WeightSource Peer(string id) => new(WeightSourceKind.Peer, id);

    public override string ToString() => Kind == WeightSourceKind.Peer ? $"peer({PeerId})" : Kind == WeightSourceKind.Storage ? "storage" : "host-cache";
}
