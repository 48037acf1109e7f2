namespace Tandem.Runtime;

/// <summary>What a reconcile asks of the work queue: nothing more, a rate-limited requeue, or a timed requeue.</summary>
public readonly record struct ReconcileResult(bool Requeue, TimeSpan? RequeueAfter)
{
    /// <summary>Converged; run again only when something changes.</summary>
    public static ReconcileResult Done { get; } = new(false, null);

    /// <summary>Run again after the key's exponential backoff (without counting as an error).</summary>
    public static ReconcileResult RequeueNow { get; } = new(true, null);

    /// <summary>Run again after <paramref name="delay"/> (resets the key's backoff).</summary>
    public static ReconcileResult After(TimeSpan delay) =>
        delay > TimeSpan.Zero ? new(false, delay) : throw new ArgumentOutOfRangeException(nameof(delay), delay, "requeue delay must be positive");
}
