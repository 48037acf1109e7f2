using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Tandem.Emulator.Storage;
using Tandem.Emulator.Watch;

namespace Tandem.Emulator.Controllers;

/// <summary>
/// A reduced Deployment controller: keeps spec.replicas pods of the current pod template (labelled pod-template-hash,
/// owned by the Deployment; no ReplicaSets in between), replaces pods of an older template (recreate), and writes
/// status (replicas, updated, ready, available, observedGeneration, Available/Progressing conditions).
/// </summary>
public sealed class DeploymentController(ObjectStore store, ResourceRegistry registry, ILogger<DeploymentController> logger)
    : StoreController(store, registry, logger)
{
    private static readonly ResourceType DeploymentType = BuiltinResources.All().First(t => t.Kind == "Deployment");
    private static readonly ResourceType PodType = BuiltinResources.All().First(t => t.Kind == "Pod");

    protected override Task HandleAsync(WatchEvent e, JsonObject obj)
    {
        var apiVersion = JsonPaths.Str(obj, "apiVersion");
        var kind = JsonPaths.Str(obj, "kind");
        if (apiVersion == "apps/v1" && kind == "Deployment")
        {
            if (e.Type != StoredEvent.Deleted && obj["metadata"]?["deletionTimestamp"] is null) Reconcile(Namespace(obj), Name(obj));
        }
        else if (apiVersion == "v1" && kind == "Pod" && ControllerOwner(obj) is { } owner)
        {
            Reconcile(Namespace(obj), owner);
        }
        return Task.CompletedTask;
    }

    private void Reconcile(string ns, string name)
    {
        var d = Store.Get(DeploymentType, ns, name);
        if (d is null || d["metadata"]?["deletionTimestamp"] is not null || d["spec"]?["template"] is not JsonObject template) return;
        var uid = Uid(d);
        var hash = TemplateHash(template);
        var desired = JsonPaths.LongOrNull(d["spec"]?["replicas"]) ?? 1;
        var pods = Store.List(PodType, ns, p => (p["metadata"]?["ownerReferences"] as JsonArray)?.Any(r => r?["uid"]?.GetValue<string>() == uid) == true).Items;
        var live = pods.Where(p => p["metadata"]?["deletionTimestamp"] is null).ToList();
        var current = live.Where(p => JsonPaths.Str(p["metadata"]?["labels"] as JsonObject, "pod-template-hash") == hash).ToList();
        foreach (var old in live.Except(current)) DeletePod(ns, old);
        foreach (var extra in current.Skip((int)desired)) DeletePod(ns, extra);
        for (long i = current.Count; i < desired; i++) CreatePod(d, template, hash);

        var kept = current.Take((int)desired).ToList();
        var ready = kept.Count(IsReady);
        var generation = JsonPaths.Long(d["metadata"]?["generation"]);
        var now = Store.Now();
        try
        {
            Store.Update(DeploymentType, ns, name, cur =>
            {
                if (cur is null) throw ApiException.NotFound(DeploymentType, name);
                JsonPaths.Metadata(cur)["uid"] = uid;
                JsonPaths.Metadata(cur).Remove("resourceVersion");
                var old = cur["status"] as JsonObject;
                var available = ready >= desired;
                cur["status"] = new JsonObject
                {
                    ["observedGeneration"] = generation,
                    ["replicas"] = kept.Count,
                    ["updatedReplicas"] = kept.Count,
                    ["readyReplicas"] = ready,
                    ["availableReplicas"] = ready,
                    ["unavailableReplicas"] = Math.Max(0, desired - ready),
                    ["conditions"] = new JsonArray(
                        Condition(old, "Available", available ? "True" : "False", available ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
                            available ? "Deployment has minimum availability." : "Deployment does not have minimum availability.", now),
                        Condition(old, "Progressing", "True", available ? "NewReplicaSetAvailable" : "ReplicaSetUpdated", $"Pods with template hash {hash} are progressing.", now)),
                };
                return cur;
            }, subresource: "status");
        }
        catch (ApiException e) when (e.Code is 404 or 409) { }
    }

    private void CreatePod(JsonObject d, JsonObject template, string hash)
    {
        var labels = template["metadata"]?["labels"]?.DeepClone() as JsonObject ?? new JsonObject();
        labels["pod-template-hash"] = hash;
        var meta = new JsonObject
        {
            ["generateName"] = $"{Name(d)}-{hash}-",
            ["labels"] = labels,
            ["ownerReferences"] = new JsonArray(new JsonObject
            {
                ["apiVersion"] = "apps/v1", ["kind"] = "Deployment", ["name"] = Name(d), ["uid"] = Uid(d), ["controller"] = true, ["blockOwnerDeletion"] = true,
            }),
        };
        if (template["metadata"]?["annotations"] is JsonObject annotations) meta["annotations"] = annotations.DeepClone();
        try { Store.Create(PodType, Namespace(d), new JsonObject { ["metadata"] = meta, ["spec"] = template["spec"]?.DeepClone() ?? new JsonObject() }); }
        catch (ApiException e) when (e.Code is 403 or 404 or 409 or 422) { Logger.LogWarning("Deployment/{Namespace}/{Name}: cannot create a pod: {Message}", Namespace(d), Name(d), e.Message); }
    }

    private void DeletePod(string ns, JsonObject pod)
    {
        try { Store.Delete(PodType, ns, Name(pod), new DeleteRequest(Uid: Uid(pod))); }
        catch (ApiException e) when (e.Code is 404 or 409) { }
    }

    private static JsonObject Condition(JsonObject? oldStatus, string type, string status, string reason, string message, string now)
    {
        var old = (oldStatus?["conditions"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => JsonPaths.Str(c, "type") == type);
        var since = old is not null && JsonPaths.Str(old, "status") == status ? JsonPaths.Str(old, "lastTransitionTime") ?? now : now;
        return new JsonObject { ["type"] = type, ["status"] = status, ["lastTransitionTime"] = since, ["lastUpdateTime"] = since, ["reason"] = reason, ["message"] = message };
    }

    private static bool IsReady(JsonObject pod) =>
        (pod["status"]?["conditions"] as JsonArray)?.Any(c => c?["type"]?.GetValue<string>() == "Ready" && c["status"]?.GetValue<string>() == "True") == true;

    private static string? ControllerOwner(JsonObject pod) =>
        (pod["metadata"]?["ownerReferences"] as JsonArray)?.OfType<JsonObject>()
            .FirstOrDefault(r => JsonPaths.Str(r, "kind") == "Deployment" && JsonPaths.Str(r, "apiVersion") == "apps/v1") is { } r ? JsonPaths.Str(r, "name") : null;

    /// <summary>A short stable hash of the pod template, like the pod-template-hash label.</summary>
    public static string TemplateHash(JsonObject template) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(template.ToJsonString())))[..10].ToLowerInvariant();
}
