using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tandem.Runtime.Helpers;

/// <summary>
/// "Does the stored object already hold every field we set?": the compare a controller needs to write a child only
/// when its owned fields differ, ignoring what the apiserver defaulted (a Service's clusterIP, a port's protocol). A
/// small hand-written stand-in for server-side apply's field ownership, which KubernetesClient does not compute.
/// </summary>
public static class JsonSubset
{
    /// <summary>
    /// True when every member of <paramref name="part"/> is in <paramref name="whole"/> with the same value: objects
    /// member by member (extra members in <paramref name="whole"/> are fine), arrays element by element with equal
    /// length (a removed list entry counts as a change), scalars by value. A null in <paramref name="part"/> asks nothing,
    /// and neither does a zero value (false, 0, "", {}, []) that <paramref name="whole"/> lacks: Go's apiserver omits
    /// those (<c>omitempty</c>) when it stores an object.
    /// </summary>
    public static bool Contains(JsonNode? whole, JsonNode? part) => (whole, part) switch
    {
        (_, null) => true,
        (null, _) => IsZero(part),
        (JsonObject w, JsonObject p) => p.All(member => Contains(w.TryGetPropertyValue(member.Key, out var value) ? value : null, member.Value)),
        (JsonArray w, JsonArray p) => w.Count == p.Count && w.Zip(p).All(pair => Contains(pair.First, pair.Second)),
        (JsonValue w, JsonValue p) => SameScalar(w, p),
        _ => false,
    };

    private static bool IsZero(JsonNode part) => part switch
    {
        JsonObject o => o.Count == 0,
        JsonArray a => a.Count == 0,
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.False => true,
            JsonValueKind.Number => v.GetValue<decimal>() == 0,
            JsonValueKind.String => v.GetValue<string>().Length == 0,
            _ => false,
        },
        _ => false,
    };

    private static bool SameScalar(JsonValue whole, JsonValue part) =>
        whole.GetValueKind() == JsonValueKind.Number && part.GetValueKind() == JsonValueKind.Number
            ? whole.GetValue<decimal>() == part.GetValue<decimal>()
            : JsonNode.DeepEquals(whole, part);
}
