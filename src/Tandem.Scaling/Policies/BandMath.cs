namespace Tandem.Scaling.Policies;

/// <summary>
/// The bounds policy's arithmetic (BlitzScale's router): from a load and one instance's capacity, the instance counts
/// that keep load / (N · capacity) within a band, and the step a role takes toward them.
/// </summary>
public static class BandMath
{
    /// <summary>
    /// The fewest instances that keep utilization at or under the band's upper edge (<c>Low</c>) and the most that keep
    /// it at or over the lower edge (<c>High</c>, rounded up as the seeds do). Both are 0 with no load.
    /// </summary>
    public static (int Low, int High) Range(double load, double capacityPerInstance, Band band)
    {
        if (load <= 0)
        {
            return (0, 0);
        }

        return (CeilCount(load / (band.Upper * capacityPerInstance)), CeilCount(load / (band.Lower * capacityPerInstance)));
    }

    /// <summary>
    /// The next count for a role with <paramref name="current"/> instances: below the range, straight to its midpoint;
    /// above it, one fewer; inside it, unchanged.
    /// </summary>
    public static int Step(int current, (int Low, int High) range)
    {
        if (current < range.Low)
        {
            return (range.Low + range.High + 1) / 2;
        }

        return current > range.High ? current - 1 : current;
    }

    /// <summary>Ceiling that ignores floating-point noise just above an integer.</summary>
    public static int CeilCount(double value) => value >= int.MaxValue ? int.MaxValue : (int)Math.Ceiling(value - 1e-9);
}
