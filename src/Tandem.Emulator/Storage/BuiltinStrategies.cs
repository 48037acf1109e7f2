using System.Text.Json.Nodes;

namespace Tandem.Emulator.Storage;

/// <summary>
/// Create/update defaults of the built-in kinds that clients rely on: namespace phase and finalizer, pod status and
/// spec defaults, service cluster IPs and port defaults, workload replicas.
/// </summary>
public sealed class BuiltinStrategies : IStoreHook
{
    private int _nextServiceIp = 1;

    public void BeforeWrite(WriteContext c)
    {
        if (c.Type.IsCustom || c.Operation == WriteOperation.Delete) return;
        var obj = c.Object;
        switch (c.Type.Kind)
        {
            case "Namespace" when c.Operation == WriteOperation.Create:
                obj["spec"] ??= new JsonObject();
                obj["spec"]!["finalizers"] ??= new JsonArray("kubernetes");
                obj["status"] = new JsonObject { ["phase"] = "Active" };
                var labels = JsonPaths.Metadata(obj)["labels"] as JsonObject ?? [];
                labels["kubernetes.io/metadata.name"] = JsonPaths.Str(JsonPaths.Metadata(obj), "name");
                JsonPaths.Metadata(obj)["labels"] = labels;
                break;
            case "Pod" when c.Type.Group == "":
                var spec = obj["spec"] as JsonObject ?? throw ApiException.Invalid(c.Type, Name(obj), [("spec", "FieldValueRequired", "Required value")]);
                if (spec["containers"] is not JsonArray { Count: > 0 } containers)
                    throw ApiException.Invalid(c.Type, Name(obj), [("spec.containers", "FieldValueRequired", "Required value")]);
                if (c.Operation == WriteOperation.Create)
                {
                    spec["restartPolicy"] ??= "Always";
                    spec["terminationGracePeriodSeconds"] ??= 30;
                    spec["dnsPolicy"] ??= "ClusterFirst";
                    spec["schedulerName"] ??= "default-scheduler";
                    spec["serviceAccountName"] ??= "default";
                    foreach (var ctr in containers.OfType<JsonObject>())
                    {
                        if (string.IsNullOrEmpty(JsonPaths.Str(ctr, "name")))
                            throw ApiException.Invalid(c.Type, Name(obj), [("spec.containers[].name", "FieldValueRequired", "Required value")]);
                        ctr["imagePullPolicy"] ??= "IfNotPresent";
                        ctr["terminationMessagePath"] ??= "/dev/termination-log";
                    }
                    obj["status"] = new JsonObject { ["phase"] = "Pending", ["qosClass"] = "BestEffort" };
                }
                break;
            case "Service" when c.Type.Group == "":
                var svc = obj["spec"] as JsonObject ?? new JsonObject();
                obj["spec"] = svc;
                svc["type"] ??= "ClusterIP";
                svc["sessionAffinity"] ??= "None";
                if (svc["ports"] is JsonArray ports)
                    foreach (var port in ports.OfType<JsonObject>())
                    {
                        port["protocol"] ??= "TCP";
                        port["targetPort"] ??= port["port"]?.DeepClone();
                    }
                if (c.Operation == WriteOperation.Create)
                {
                    if (JsonPaths.Str(svc, "clusterIP") is null && JsonPaths.Str(svc, "type") != "ExternalName")
                    {
                        var n = _nextServiceIp++;
                        svc["clusterIP"] = $"10.96.{n / 256}.{n % 256}";
                    }
                    if (JsonPaths.Str(svc, "clusterIP") is { } ip) svc["clusterIPs"] ??= new JsonArray(ip);
                    obj["status"] = new JsonObject { ["loadBalancer"] = new JsonObject() };
                }
                else if (c.Old?["spec"]?["clusterIP"] is { } oldIp && svc["clusterIP"] is null)
                {
                    // clusterIP is immutable and kept when an update omits it.
                    svc["clusterIP"] = oldIp.DeepClone();
                    svc["clusterIPs"] = c.Old["spec"]?["clusterIPs"]?.DeepClone();
                }
                break;
            case "Deployment" or "StatefulSet" or "ReplicaSet":
                if (obj["spec"] is JsonObject ws) ws["replicas"] ??= 1;
                break;
            case "ServiceAccount" or "ConfigMap" or "Secret" when c.Operation == WriteOperation.Create:
                if (c.Type.Kind == "Secret") { obj["type"] ??= "Opaque"; MergeStringData(obj); }
                break;
            case "Secret":
                MergeStringData(obj);
                break;
        }
    }

    public void AfterCommit(ResourceType type, JsonObject? old, JsonObject? current) { }

    // The apiserver stores a Secret's stringData as data (base64) and never returns stringData.
    private static void MergeStringData(JsonObject secret)
    {
        if (secret["stringData"] is not JsonObject text) return;
        var data = secret["data"] as JsonObject ?? new JsonObject();
        foreach (var (key, value) in text)
            data[key] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(value?.GetValue<string>() ?? ""));
        secret["data"] = data;
        secret.Remove("stringData");
    }

    private static string Name(JsonObject obj) => JsonPaths.Str(obj["metadata"] as JsonObject, "name") ?? "";
}
