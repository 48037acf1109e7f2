using System.Text.Json.Nodes;
using Tandem.Emulator.Storage;

namespace Tandem.Emulator.Crds;

/// <summary>
/// Validates CustomResourceDefinitions, marks them Established and registers (or removes) their resources as soon as
/// the write commits, so a `kubectl apply` of a custom resource right after its CRD succeeds.
/// </summary>
public sealed class CrdRegistrar(ResourceRegistry registry) : IStoreHook
{
    public const string CleanupFinalizer = "customresourcecleanup.apiextensions.k8s.io";

    public void BeforeWrite(WriteContext c)
    {
        if (c.Type.Kind != "CustomResourceDefinition" || c.Type.Group != "apiextensions.k8s.io") return;
        var crd = c.Object;
        var name = JsonPaths.Str(crd["metadata"] as JsonObject, "name") ?? "";
        if (c.Subresource == "status") return;
        var errors = CrdValidation.Validate(crd).ToList();
        if (errors.Count > 0) throw ApiException.Invalid(c.Type, name, errors);
        if (c.Operation == WriteOperation.Create)
        {
            var meta = JsonPaths.Metadata(crd);
            var finalizers = meta["finalizers"] as JsonArray ?? [];
            if (!finalizers.Any(f => f?.GetValue<string>() == CleanupFinalizer)) finalizers.Add(CleanupFinalizer);
            meta["finalizers"] = finalizers;
        }
        crd["status"] = Status(crd, c.Old);
    }

    public void AfterCommit(ResourceType type, JsonObject? old, JsonObject? current)
    {
        if (type.Kind != "CustomResourceDefinition" || type.Group != "apiextensions.k8s.io") return;
        var crd = current ?? old!;
        var name = JsonPaths.Str(crd["metadata"] as JsonObject, "name")!;
        registry.SetCrdResources(name, current is null ? [] : CrdTypes.From(current));
    }

    private static JsonObject Status(JsonObject crd, JsonObject? old)
    {
        var spec = (JsonObject)crd["spec"]!;
        var now = JsonPaths.Str(crd["metadata"] as JsonObject, "creationTimestamp") ?? "";
        var stored = new JsonArray();
        foreach (var v in (old?["status"]?["storedVersions"] as JsonArray ?? []).Select(v => v?.GetValue<string>()).Where(v => v is not null)) stored.Add(v);
        foreach (var v in ((JsonArray)spec["versions"]!).OfType<JsonObject>())
            if (v["storage"]?.GetValue<bool>() == true && !stored.Any(s => s?.GetValue<string>() == JsonPaths.Str(v, "name"))) stored.Add(JsonPaths.Str(v, "name"));
        JsonObject Condition(string type, string reason, string message) =>
            new() { ["type"] = type, ["status"] = "True", ["lastTransitionTime"] = now, ["reason"] = reason, ["message"] = message };
        return new JsonObject
        {
            ["conditions"] = new JsonArray(
                Condition("NamesAccepted", "NoConflicts", "no conflicts found"),
                Condition("Established", "InitialNamesAccepted", "the initial names have been accepted")),
            ["acceptedNames"] = spec["names"]!.DeepClone(),
            ["storedVersions"] = stored,
        };
    }
}
