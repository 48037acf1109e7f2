using k8s;

namespace Tandem.Runtime.Helpers;

/// <summary>Deep copies and JSON comparisons of entities through KubernetesClient's serializer.</summary>
public static class EntityCopy
{
    /// <summary>A deep copy of <paramref name="entity"/> (cached objects are shared: copy before changing).</summary>
    public static T Clone<T>(T entity) => KubernetesJson.Deserialize<T>(KubernetesJson.Serialize(entity));

    /// <summary>True when both values serialize to the same JSON.</summary>
    public static bool SameJson(object? a, object? b) =>
        a is null || b is null ? a is null && b is null : KubernetesJson.Serialize(a) == KubernetesJson.Serialize(b);
}
