using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Tandem.Emulator.Selectors;
using Tandem.Emulator.Storage;
using Tandem.Emulator.Watch;

namespace Tandem.Emulator.Controllers;

/// <summary>
/// Keeps an Endpoints object and one EndpointSlice per Service with a selector, listing the matching pods that have an
/// IP (ready, not ready, terminating), with the service's ports resolved against the pods' named container ports.
/// </summary>
public sealed class EndpointsController(ObjectStore store, ResourceRegistry registry, ILogger<EndpointsController> logger)
    : StoreController(store, registry, logger)
{
    private static readonly ResourceType ServiceType = BuiltinResources.All().First(t => t.Kind == "Service");
    private static readonly ResourceType PodType = BuiltinResources.All().First(t => t.Kind == "Pod");
    private static readonly ResourceType EndpointsType = BuiltinResources.All().First(t => t.Kind == "Endpoints");
    private static readonly ResourceType SliceType = BuiltinResources.All().First(t => t.Kind == "EndpointSlice");

    protected override Task HandleAsync(WatchEvent e, JsonObject obj)
    {
        var kind = JsonPaths.Str(obj, "kind");
        if (JsonPaths.Str(obj, "apiVersion") != "v1" || kind is not ("Pod" or "Service")) return Task.CompletedTask;
        var ns = Namespace(obj);
        if (kind == "Service")
        {
            if (e.Type != StoredEvent.Deleted) Sync(obj);
            return Task.CompletedTask;
        }
        foreach (var svc in Store.List(ServiceType, ns, _ => true).Items) Sync(svc);
        return Task.CompletedTask;
    }

    private void Sync(JsonObject svc)
    {
        if (svc["spec"]?["selector"] is not JsonObject { Count: > 0 } selectorObj || svc["metadata"]?["deletionTimestamp"] is not null) return;
        var ns = Namespace(svc);
        var name = Name(svc);
        var selector = LabelSelector.Parse(LabelSelector.FromObject(new JsonObject { ["matchLabels"] = selectorObj.DeepClone() }));
        var pods = Store.List(PodType, ns, p => selector.Matches(p) && !string.IsNullOrEmpty(JsonPaths.GetString(p, ".status.podIP"))).Items;
        var ports = (svc["spec"]?["ports"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        var owner = new JsonArray(new JsonObject
        {
            ["apiVersion"] = "v1", ["kind"] = "Service", ["name"] = name, ["uid"] = Uid(svc), ["controller"] = true, ["blockOwnerDeletion"] = true,
        });

        var endpoints = new JsonArray();
        var ready = new JsonArray();
        var notReady = new JsonArray();
        foreach (var pod in pods)
        {
            var ip = JsonPaths.GetString(pod, ".status.podIP")!;
            var isReady = IsReady(pod);
            var terminating = pod["metadata"]?["deletionTimestamp"] is not null;
            var targetRef = new JsonObject { ["kind"] = "Pod", ["name"] = Name(pod), ["namespace"] = ns, ["uid"] = Uid(pod) };
            endpoints.Add(new JsonObject
            {
                ["addresses"] = new JsonArray(ip),
                ["conditions"] = new JsonObject { ["ready"] = isReady && !terminating, ["serving"] = isReady, ["terminating"] = terminating },
                ["nodeName"] = JsonPaths.GetString(pod, ".spec.nodeName"),
                ["targetRef"] = targetRef.DeepClone(),
            });
            if (terminating) continue;
            (isReady ? ready : notReady).Add(new JsonObject { ["ip"] = ip, ["nodeName"] = JsonPaths.GetString(pod, ".spec.nodeName"), ["targetRef"] = targetRef });
        }
        var slicePorts = new JsonArray();
        var subsetPorts = new JsonArray();
        foreach (var port in ports)
        {
            var number = ResolvePort(port, pods);
            var p = new JsonObject { ["name"] = JsonPaths.Str(port, "name") ?? "", ["port"] = number, ["protocol"] = JsonPaths.Str(port, "protocol") ?? "TCP" };
            slicePorts.Add(p.DeepClone());
            subsetPorts.Add(p);
        }

        var slice = new JsonObject
        {
            ["apiVersion"] = "discovery.k8s.io/v1", ["kind"] = "EndpointSlice",
            ["metadata"] = new JsonObject
            {
                ["name"] = $"{name}-emulated", ["namespace"] = ns, ["ownerReferences"] = owner.DeepClone(),
                ["labels"] = new JsonObject { ["kubernetes.io/service-name"] = name, ["endpointslice.kubernetes.io/managed-by"] = "endpointslice-controller.k8s.io" },
            },
            ["addressType"] = "IPv4", ["endpoints"] = endpoints, ["ports"] = slicePorts,
        };
        var subsets = new JsonArray();
        if (ready.Count + notReady.Count > 0)
        {
            var subset = new JsonObject { ["ports"] = subsetPorts };
            if (ready.Count > 0) subset["addresses"] = ready;
            if (notReady.Count > 0) subset["notReadyAddresses"] = notReady;
            subsets.Add(subset);
        }
        var eps = new JsonObject
        {
            ["apiVersion"] = "v1", ["kind"] = "Endpoints",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns, ["ownerReferences"] = owner.DeepClone(), ["labels"] = new JsonObject { ["kubernetes.io/service-name"] = name } },
            ["subsets"] = subsets,
        };
        Upsert(SliceType, ns, $"{name}-emulated", slice);
        Upsert(EndpointsType, ns, name, eps);
    }

    private void Upsert(ResourceType t, string ns, string name, JsonObject desired)
    {
        try
        {
            Store.Update(t, ns, name, cur =>
            {
                if (cur is null) return desired;
                var next = desired.DeepClone().AsObject();
                var meta = JsonPaths.Metadata(next);
                meta.Remove("resourceVersion");
                if (cur["metadata"]?["finalizers"] is { } f) meta["finalizers"] = f.DeepClone();
                return next;
            });
        }
        catch (ApiException e) when (e.Code is 403 or 404 or 409) { }
    }

    private static bool IsReady(JsonObject pod) =>
        (pod["status"]?["conditions"] as JsonArray)?.Any(c => c?["type"]?.GetValue<string>() == "Ready" && c["status"]?.GetValue<string>() == "True") == true;

    private static long ResolvePort(JsonObject servicePort, IReadOnlyList<JsonObject> pods)
    {
        var target = servicePort["targetPort"] ?? servicePort["port"];
        if (JsonPaths.LongOrNull(target) is { } n) return n;
        var portName = target?.GetValue<string>();
        foreach (var pod in pods)
            foreach (var c in (pod["spec"]?["containers"] as JsonArray ?? []).OfType<JsonObject>())
                foreach (var p in (c["ports"] as JsonArray ?? []).OfType<JsonObject>())
                    if (JsonPaths.Str(p, "name") == portName) return JsonPaths.Long(p["containerPort"]);
        return JsonPaths.Long(servicePort["port"]);
    }
}
