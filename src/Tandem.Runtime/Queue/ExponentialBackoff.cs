namespace Tandem.Runtime.Queue;

/// <summary>Per-failure exponential delay, base·2^failures capped at a maximum (client-go's ItemExponentialFailureRateLimiter).</summary>
public sealed record ExponentialBackoff(TimeSpan BaseDelay, TimeSpan MaxDelay)
{
    /// <summary>controller-runtime's default: 5 ms doubling to 1000 s.</summary>
    public static ExponentialBackoff Default { get; } = new(TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(1000));

    /// <summary>The delay before retry number <paramref name="failures"/> + 1 (0 failures gives the base delay).</summary>
    public TimeSpan Delay(int failures)
    {
        if (failures < 0) throw new ArgumentOutOfRangeException(nameof(failures), failures, "failures must be >= 0");
        // 2^63 overflows long ticks long before 63 failures, so compute in double and clamp.
        var ticks = BaseDelay.Ticks * Math.Pow(2, Math.Min(failures, 62));
        return ticks >= MaxDelay.Ticks ? MaxDelay : TimeSpan.FromTicks((long)ticks);
    }
}
