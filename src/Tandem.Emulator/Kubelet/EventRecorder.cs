using System.Text.Json.Nodes;
using Tandem.Emulator.Storage;

namespace Tandem.Emulator.Kubelet;

/// <summary>Writes core/v1 Events about an object (what `kubectl describe` shows).</summary>
public sealed class EventRecorder(ObjectStore store, string component)
{
    private static readonly ResourceType EventType = BuiltinResources.All().First(t => t.Kind == "Event" && t.Group == "");

    public void Record(JsonObject involved, string type, string reason, string message)
    {
        var meta = (JsonObject)involved["metadata"]!;
        var ns = JsonPaths.Str(meta, "namespace") ?? "default";
        var now = store.Now();
        var ev = new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = $"{JsonPaths.Str(meta, "name")}.{Guid.NewGuid():N}"[..Math.Min(253, (JsonPaths.Str(meta, "name")?.Length ?? 0) + 17)] },
            ["involvedObject"] = new JsonObject
            {
                ["kind"] = JsonPaths.Str(involved, "kind"), ["apiVersion"] = JsonPaths.Str(involved, "apiVersion"), ["namespace"] = ns,
                ["name"] = JsonPaths.Str(meta, "name"), ["uid"] = JsonPaths.Str(meta, "uid"),
            },
            ["type"] = type, ["reason"] = reason, ["message"] = message, ["count"] = 1,
            ["firstTimestamp"] = now, ["lastTimestamp"] = now,
            ["source"] = new JsonObject { ["component"] = component },
            ["reportingComponent"] = component,
        };
        try { store.Create(EventType, ns, ev); }
        catch (ApiException e) when (e.Code is 403 or 404 or 409) { }
    }
}
