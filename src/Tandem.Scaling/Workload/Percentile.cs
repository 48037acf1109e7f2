namespace Tandem.Scaling.Workload;

/// <summary>Percentiles by linear interpolation between closest ranks (numpy's default).</summary>
public static class Percentile
{
    /// <summary>The <paramref name="p"/>-th percentile (0..100) of <paramref name="values"/>; 0 when empty.</summary>
    public static double Of(IReadOnlyList<double> values, double p)
    {
        if (values.Count == 0)
        {
            return 0;
        }

        var sorted = values.Order().ToArray();
        var rank = p / 100 * (sorted.Length - 1);
        var low = (int)Math.Floor(rank);
        var high = (int)Math.Ceiling(rank);
        return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
    }
}
