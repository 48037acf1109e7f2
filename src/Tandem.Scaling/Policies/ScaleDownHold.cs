using Tandem.Scaling.Lifecycle;

namespace Tandem.Scaling.Policies;

/// <summary>
/// Scale-down hysteresis for bounds and slo (BlitzScale's over-provision timer): a role gives up an instance only after
/// its policy has wanted fewer continuously for <see cref="For"/>; any decision that wants as many or more restarts the
/// timer. Written here (one small timer per role); the policy object holds it between decisions.
/// </summary>
public sealed class ScaleDownHold
{
    private readonly Dictionary<InstanceRole, DateTimeOffset> overSince = [];

    /// <summary>
    /// How long a role must be over-provisioned: scaleDownDelay + standby.idleTimeout. A drained instance keeps its GPUs
    /// that long anyway (warm, then standby beyond the buffer until idleTimeout), so draining sooner saves no GPU-second
    /// when the load comes back within it, and loses the capacity when it does.
    /// </summary>
    public static TimeSpan For(ScalingBounds bounds) => bounds.ScaleDownDelay + bounds.Standby.IdleTimeout;

    /// <summary>
    /// Decode's hold: scaleDownDelay (the seeds' scale_down_threshold_millis). Decode load is KV already admitted, which
    /// drains as requests finish with no burst behind it, so BlitzScale's own threshold suffices.
    /// </summary>
    public static TimeSpan ForDecode(ScalingBounds bounds) => bounds.ScaleDownDelay;

    /// <summary>The count to aim for: <paramref name="wanted"/> when it is not a scale-down or the hold has run out, else <paramref name="current"/>.</summary>
    public int Apply(InstanceRole role, int current, int wanted, DateTimeOffset now, TimeSpan hold)
    {
        if (wanted >= current)
        {
            overSince.Remove(role);
            return wanted;
        }

        if (!overSince.TryGetValue(role, out var since))
        {
            overSince[role] = since = now;
        }

        return now - since >= hold ? wanted : current;
    }

    /// <summary>How long <paramref name="role"/> has been over-provisioned at <paramref name="now"/> (zero when it is not).</summary>
    public TimeSpan OverProvisionedFor(InstanceRole role, DateTimeOffset now) =>
        overSince.TryGetValue(role, out var since) ? now - since : TimeSpan.Zero;
}
