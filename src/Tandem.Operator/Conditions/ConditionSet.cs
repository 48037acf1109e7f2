using k8s.Models;

namespace Tandem.Operator.Conditions;

/// <summary>
/// Sets metav1.Conditions the Kubernetes way: <c>lastTransitionTime</c> changes only when the status flips, and every
/// write stamps <c>observedGeneration</c>.
/// </summary>
public static class ConditionSet
{
    /// <summary>Sets condition <paramref name="type"/> in <paramref name="conditions"/>; returns the (possibly new) list.</summary>
    public static List<V1Condition> Set(List<V1Condition>? conditions, string type, bool status, string reason, string message, long? generation, DateTimeOffset now)
    {
        conditions ??= [];
        var value = status ? "True" : "False";
        var existing = conditions.FirstOrDefault(c => c.Type == type);
        if (existing is null)
        {
            conditions.Add(new V1Condition { LastTransitionTime = now.UtcDateTime, Message = message, Reason = reason, Status = value, Type = type, ObservedGeneration = generation });
            return conditions;
        }

        if (existing.Status != value)
        {
            existing.LastTransitionTime = now.UtcDateTime;
        }

        existing.Status = value;
        existing.Reason = reason;
        existing.Message = message;
        existing.ObservedGeneration = generation;
        return conditions;
    }

    /// <summary>The status of condition <paramref name="type"/>, or null.</summary>
    public static bool? Get(IEnumerable<V1Condition>? conditions, string type) =>
        conditions?.FirstOrDefault(c => c.Type == type)?.Status switch
        {
            "True" => true,
            "False" => false,
            _ => null,
        };
}
