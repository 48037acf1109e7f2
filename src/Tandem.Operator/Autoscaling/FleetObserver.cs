using System.Globalization;
using k8s.Models;
using Tandem.Api.V1Alpha1;
using Tandem.Operator.Instances;
using Tandem.Runtime;
using Tandem.Scaling.Lifecycle;
using Tandem.Scaling.Policies;

namespace Tandem.Operator.Autoscaling;

/// <summary>One engine pod as the autoscaler sees it: the pod, its control and serving addresses, and the policy's view.</summary>
public sealed record ObservedInstance(V1Pod Pod, string? ControlAddress, string? ServingAddress, InstanceView View);

/// <summary>What one tick observed of a deployment: its engine instances and the routers' load.</summary>
public sealed record FleetObservation(IReadOnlyList<ObservedInstance> Instances, IReadOnlyList<(V1Pod Pod, string ControlAddress)> Routers, RouterLoad Load, int UnschedulablePods);

/// <summary>
/// Turns the pods in the cache and the engines' and routers' streams into the policy's input: each engine pod becomes
/// an <see cref="InstanceView"/> (Pending until its engine reports), router queues sum into the router load.
/// </summary>
public sealed class FleetObserver(ICache<V1Pod> pods, EngineFleet fleet)
{
    public FleetObservation Observe(InferenceDeployment deployment, DeploymentScalingState state, DateTimeOffset now)
    {
        var ns = deployment.Metadata.NamespaceProperty;
        var name = deployment.Metadata.Name;
        var engine = deployment.Spec.Engine;
        var instances = new List<ObservedInstance>();
        var unschedulable = 0;
        foreach (var pod in pods.List(ns, InstanceLabels.EngineSelector(name)).Where(p => p.Metadata.DeletionTimestamp is null).OrderBy(p => p.Metadata.Name, StringComparer.Ordinal))
        {
            var ip = pod.Status?.PodIP;
            var running = ip is not null && pod.Status?.Phase == "Running";
            var control = running ? Address(ip!, EngineImage.ControlPort(engine)) : null;
            var serving = running ? Address(ip!, engine.Ports.Serving) : null;
            if (control is not null && engine.Adapter == EngineAdapter.Vllm)
            {
                // host-cache keeps slept weights in host memory (sleep level 1); otherwise standby drops them (level 2).
                fleet.UseVllm(control, deployment.Spec.Has(Feature.HostCache) ? 1 : 2);
            }

            var observation = control is null ? null : fleet.Engine(control);
            var scheduled = pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "PodScheduled")?.Status != "False";
            if (!scheduled)
            {
                unschedulable++;
            }

            var current = observation?.State ?? InstanceState.Pending;
            var since = Since(state, pod.Metadata.Name, current, now);
            var view = new InstanceView(pod.Metadata.Name, current == InstanceState.Standby ? null : observation?.Role, current, since)
            {
                UsedKvBlocks = (int)Math.Min(int.MaxValue, observation?.UsedKvBlocks ?? 0),
                UnmigratedKvTokens = observation?.UnmigratedKvTokens ?? 0,
                RunningRequests = observation?.RunningRequests ?? 0,
                WaitingRequests = observation?.WaitingRequests ?? 0,
                IsWeightSource = observation?.ServingAsWeightSource ?? false,
                PodScheduled = scheduled,
            };
            instances.Add(new ObservedInstance(pod, control, serving, view));
        }

        var routers = pods.List(ns, $"{WellKnownLabels.Deployment}={name},{WellKnownLabels.Component}={InstanceLabels.Components.Router}")
            .Where(p => p.Metadata.DeletionTimestamp is null && p.Status?.PodIP is not null && p.Status.Phase == "Running")
            .Select(p => (p, Address(p.Status.PodIP, deployment.Spec.Router.ControlPort)))
            .ToArray();
        long queuedTokens = 0;
        var queuedRequests = 0;
        double? arrivalRate = null;
        foreach (var (_, address) in routers)
        {
            if (fleet.Router(address) is { } load)
            {
                queuedTokens += load.QueuedPromptTokens;
                queuedRequests += load.QueuedRequests;
                arrivalRate = (arrivalRate ?? 0) + load.PromptTokensPerSecond;
            }
        }

        // Forget instances that no longer exist so a recreated name starts fresh.
        foreach (var gone in state.Seen.Keys.Where(k => instances.All(i => i.Pod.Metadata.Name != k)).ToArray())
        {
            state.Seen.Remove(gone);
        }

        return new FleetObservation(instances, routers, new RouterLoad(queuedTokens) { QueuedRequests = queuedRequests, PromptTokensPerSecond = arrivalRate }, unschedulable);
    }

    /// <summary>host:port.</summary>
    public static string Address(string ip, int port) => $"{ip}:{port.ToString(CultureInfo.InvariantCulture)}";

    private static DateTimeOffset Since(DeploymentScalingState state, string id, InstanceState current, DateTimeOffset now)
    {
        if (state.Seen.TryGetValue(id, out var seen) && seen.State == current)
        {
            return seen.Since;
        }

        state.Seen[id] = (current, now);
        return now;
    }
}
