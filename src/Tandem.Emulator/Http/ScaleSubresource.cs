using System.Text.Json.Nodes;
using Tandem.Emulator.Selectors;
using Tandem.Emulator.Storage;

namespace Tandem.Emulator.Http;

/// <summary>The `scale` subresource: an autoscaling/v1 Scale view of specReplicasPath, statusReplicasPath and labelSelectorPath.</summary>
public static class ScaleSubresource
{
    public static JsonObject ToScale(ResourceType t, JsonObject obj)
    {
        var map = t.Scale ?? throw new ApiException(404, "NotFound", "the server could not find the requested resource");
        var meta = (JsonObject)obj["metadata"]!;
        var status = new JsonObject { ["replicas"] = Int(JsonPaths.Get(obj, map.StatusReplicasPath)) };
        if (map.LabelSelectorPath is { } sp)
        {
            var sel = JsonPaths.Get(obj, sp);
            var text = sel is JsonObject so ? LabelSelector.FromObject(so) : sel is JsonValue sv && sv.TryGetValue<string>(out var s) ? s : null;
            if (!string.IsNullOrEmpty(text)) status["selector"] = text;
        }
        var scaleMeta = new JsonObject();
        foreach (var k in new[] { "name", "namespace", "uid", "resourceVersion", "creationTimestamp" })
            if (meta[k] is { } v) scaleMeta[k] = v.DeepClone();
        return new JsonObject
        {
            ["kind"] = "Scale", ["apiVersion"] = "autoscaling/v1", ["metadata"] = scaleMeta,
            ["spec"] = new JsonObject { ["replicas"] = Int(JsonPaths.Get(obj, map.SpecReplicasPath)) },
            ["status"] = status,
        };
    }

    /// <summary>Reads the current Scale, lets <paramref name="change"/> produce the desired one, and writes spec.replicas back.</summary>
    public static JsonObject Update(ObjectStore store, ResourceType t, string ns, string name, Func<JsonObject, JsonObject> change, bool dryRun,
        Action<JsonObject, JsonObject>? recordManager = null)
    {
        var map = t.Scale ?? throw new ApiException(404, "NotFound", "the server could not find the requested resource");
        var result = store.Update(t, ns, name, current =>
        {
            if (current is null) throw ApiException.NotFound(t, name);
            var before = current.DeepClone().AsObject();
            var desired = change(ToScale(t, current));
            var replicas = JsonPaths.Get(desired, ".spec.replicas");
            if (JsonPaths.LongOrNull(replicas) is not { } n)
                throw ApiException.Invalid(t, name, [("spec.replicas", "FieldValueRequired", "Required value: spec.replicas must be an integer")]);
            if (n < 0) throw ApiException.Invalid(t, name, [("spec.replicas", "FieldValueInvalid", $"Invalid value: {n}: must be greater than or equal to 0")]);
            JsonPaths.Set(current, map.SpecReplicasPath, n);
            var rvText = JsonPaths.Str(desired["metadata"] as JsonObject, "resourceVersion");
            JsonPaths.Metadata(current)["resourceVersion"] = rvText;
            if (string.IsNullOrEmpty(rvText)) JsonPaths.Metadata(current).Remove("resourceVersion");
            recordManager?.Invoke(before, current);
            return current;
        }, "", dryRun);
        return ToScale(t, result.Object);
    }

    private static long Int(JsonNode? n) => JsonPaths.Long(n);
}
