using System.Globalization;
using System.Text.Json.Nodes;
using Tandem.Emulator.Storage;

namespace Tandem.Emulator.Kubelet;

/// <summary>The outcome of scheduling one pod: a node, or why none fits (the FailedScheduling message).</summary>
public sealed record ScheduleDecision(string? Node, string Message);

/// <summary>
/// Pure scheduling decision: the first node (by name) whose nodeSelector labels match and whose free
/// `nvidia.com/gpu` covers the pod's request. Pods hold their GPUs until they are gone.
/// </summary>
public static class PodScheduler
{
    public static ScheduleDecision Choose(JsonObject pod, IReadOnlyList<JsonObject> nodes, IReadOnlyList<JsonObject> pods)
    {
        var want = GpuRequest(pod);
        var selector = pod["spec"]?["nodeSelector"] as JsonObject;
        int insufficient = 0, mismatched = 0;
        // GPUs in use per node, in one pass over the pods (per node it was nodes x pods for every pod scheduled).
        var usedByNode = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var p in pods)
        {
            if (p["spec"]?["nodeName"]?.GetValue<string>() is { Length: > 0 } node && !IsTerminal(p))
            {
                usedByNode[node] = usedByNode.GetValueOrDefault(node) + GpuRequest(p);
            }
        }

        foreach (var node in nodes.OrderBy(n => JsonPaths.Str(n["metadata"] as JsonObject, "name"), StringComparer.Ordinal))
        {
            var name = JsonPaths.Str(node["metadata"] as JsonObject, "name")!;
            var labels = node["metadata"]?["labels"] as JsonObject;
            if (selector is not null && selector.Any(kv => JsonPaths.Str(labels, kv.Key) != kv.Value?.GetValue<string>())) { mismatched++; continue; }
            var capacity = Quantity(node["status"]?["allocatable"]?[VirtualNodes.GpuResource]);
            var used = usedByNode.GetValueOrDefault(name);
            if (capacity - used < want) { insufficient++; continue; }
            return new ScheduleDecision(name, $"Successfully assigned to {name}");
        }
        var parts = new List<string>();
        if (insufficient > 0) parts.Add($"{insufficient} Insufficient {VirtualNodes.GpuResource}");
        if (mismatched > 0) parts.Add($"{mismatched} node(s) didn't match Pod's node affinity/selector");
        return new ScheduleDecision(null, $"0/{nodes.Count} nodes are available: {string.Join(", ", parts)}.");
    }

    /// <summary>GPUs a pod asks for: the sum over its containers (limits, else requests).</summary>
    public static long GpuRequest(JsonObject pod)
    {
        long total = 0;
        foreach (var c in (pod["spec"]?["containers"] as JsonArray ?? []).OfType<JsonObject>())
            total += Quantity(c["resources"]?["limits"]?[VirtualNodes.GpuResource] ?? c["resources"]?["requests"]?[VirtualNodes.GpuResource]);
        return total;
    }

    public static bool IsTerminal(JsonObject pod) => JsonPaths.GetString(pod, ".status.phase") is "Succeeded" or "Failed";

    private static long Quantity(JsonNode? n) => n switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var l) ? l : 0,
        _ => JsonPaths.Long(n),
    };
}
