using System.Globalization;
using Tandem.Scaling.Lifecycle;

namespace Tandem.Operator.Instances;

/// <summary>
/// Deterministic engine pod names, <c>&lt;infd&gt;-engine-&lt;ordinal&gt;</c>, lowest free ordinal first: a create that
/// repeats after a stale cache or an operator restart hits AlreadyExists instead of making a second pod.
/// </summary>
public static class InstanceNaming
{
    /// <summary>Name of a role's EnginePool and headless Service: <c>&lt;infd&gt;-prefill</c>, <c>&lt;infd&gt;-decode</c>.</summary>
    public static string PoolName(string deployment, InstanceRole role) => $"{deployment}-{InstanceLabels.Text(role)}";

    /// <summary>The name of instance <paramref name="ordinal"/> of <paramref name="deployment"/>.</summary>
    public static string PodName(string deployment, int ordinal) => $"{deployment}-engine-{ordinal.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The next <paramref name="count"/> free names given the names in use.</summary>
    public static IReadOnlyList<string> NextFree(string deployment, IEnumerable<string> inUse, int count)
    {
        var taken = inUse.ToHashSet(StringComparer.Ordinal);
        var names = new List<string>(count);
        for (var ordinal = 0; names.Count < count; ordinal++)
        {
            var name = PodName(deployment, ordinal);
            if (!taken.Contains(name))
            {
                names.Add(name);
            }
        }

        return names;
    }
}
