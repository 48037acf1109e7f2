using System.Globalization;
using k8s.Models;
using Tandem.Api.V1Alpha1;
using Tandem.Engines.Vllm;
using Tandem.Operator.Instances;
using Tandem.Runtime;
using Tandem.Scaling.Lifecycle;
using Tandem.Scaling.Policies;

namespace Tandem.Operator.Autoscaling;

/// <summary>
/// One engine pod as the autoscaler sees it: the pod, its control and serving addresses, and the policy's view.
/// <paramref name="Unknown"/>: its engine had reported, but its status stream broke or went quiet; its view says
/// Pending, the policy does not see it at all (not capacity, not capacity on its way), the router does not get it, its labels are left as they are and no action touches it.
/// </summary>
public sealed record ObservedInstance(V1Pod Pod, string? ControlAddress, string? ServingAddress, InstanceView View, bool Unknown = false);

/// <summary>
/// What one tick observed of a deployment: its engine instances and the routers' load. <paramref name="AwaitingStatus"/>
/// counts pods known (by their labels) to run an engine whose first status has not arrived yet since this process began
/// watching: a restarted operator waits for them rather than mistake them for Pending.
/// </summary>
public sealed record FleetObservation(IReadOnlyList<ObservedInstance> Instances, IReadOnlyList<(V1Pod Pod, string ControlAddress)> Routers, RouterLoad Load, int UnschedulablePods,
    int AwaitingStatus = 0);

/// <summary>
/// Turns the pods in the cache and the engines' and routers' streams into the policy's input: each engine pod becomes
/// an <see cref="InstanceView"/> (Pending until its engine reports), router queues sum into the router load.
/// Since when an instance is in its state, and drains and activations in progress, come from memory or, after a restart
/// or a failover, from the pod's annotations (<see cref="InstanceAnnotations"/>).
/// </summary>
public sealed class FleetObserver(ICache<V1Pod> pods, EngineFleet fleet)
{
    /// <summary>How long a restarted operator waits for the first status of an engine its pod's labels say is running.</summary>
    public static readonly TimeSpan FirstStatusGrace = TimeSpan.FromSeconds(10);

    public FleetObservation Observe(InferenceDeployment deployment, DeploymentScalingState state, DateTimeOffset now)
    {
        var ns = deployment.Metadata.NamespaceProperty;
        var name = deployment.Metadata.Name;
        var engine = deployment.Spec.Engine;
        var instances = new List<ObservedInstance>();
        var unschedulable = 0;
        var awaiting = 0;
        foreach (var pod in pods.List(ns, InstanceLabels.EngineSelector(name)).Where(p => p.Metadata.DeletionTimestamp is null).OrderBy(p => p.Metadata.Name, StringComparer.Ordinal))
        {
            var ip = pod.Status?.PodIP;
            var running = ip is not null && pod.Status?.Phase == "Running";
            // The pod's own ports: after a port change its old pods are still reached where they listen.
            var control = running ? Address(ip!, EnginePodPorts.Control(pod, engine)) : null;
            var serving = running ? Address(ip!, EnginePodPorts.Serving(pod, engine)) : null;
            if (control is not null && EnginePodBuilder.IsVllm(pod, engine))
            {
                // host-cache keeps slept weights in host memory (sleep level 1); otherwise standby drops them (level 2).
                // The pod's labels carry what an earlier operator process asked of the instance (routed or draining).
                fleet.UseVllm(control, deployment.Spec.Has(Feature.HostCache) ? 1 : 2, RecordedIntent(pod));
            }

            var sighting = control is null ? null : fleet.EngineSighting(control);
            var observation = sighting?.Current;
            var labelled = InstanceLabels.StateOf(pod) != InstanceState.Pending;
            var unknown = sighting is not null && (sighting.Freshness == StreamFreshness.Unknown
                || (sighting.Freshness == StreamFreshness.NeverSeen && labelled && now - sighting.WatchedSince >= FirstStatusGrace));
            if (sighting is { Freshness: StreamFreshness.NeverSeen } && labelled && !unknown)
            {
                awaiting++;
            }

            var scheduled = pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "PodScheduled")?.Status != "False";
            if (!scheduled)
            {
                unschedulable++;
            }

            var current = observation?.State ?? InstanceState.Pending;
            // An instance without a current status (Unknown, or awaited after a restart) keeps its remembered state and
            // timer: it may answer again in the same state.
            var silent = observation is null && labelled;
            var since = silent ? now : Since(state, pod, current, now);
            if (!silent)
            {
                Restore(state, pod, current);
            }

            var view = new InstanceView(pod.Metadata.Name, current == InstanceState.Standby ? null : observation?.Role, current, since)
            {
                UsedKvBlocks = (int)Math.Min(int.MaxValue, observation?.UsedKvBlocks ?? 0),
                UnmigratedKvTokens = observation?.UnmigratedKvTokens ?? 0,
                RunningRequests = observation?.RunningRequests ?? 0,
                WaitingRequests = observation?.WaitingRequests ?? 0,
                IsWeightSource = observation?.ServingAsWeightSource ?? false,
                PodScheduled = scheduled,
            };
            instances.Add(new ObservedInstance(pod, control, serving, view, unknown));
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

        return new FleetObservation(instances, routers, new RouterLoad(queuedTokens) { QueuedRequests = queuedRequests, PromptTokensPerSecond = arrivalRate }, unschedulable, awaiting);
    }

    /// <summary>host:port.</summary>
    public static string Address(string ip, int port) => $"{ip}:{port.ToString(CultureInfo.InvariantCulture)}";

    private static DateTimeOffset Since(DeploymentScalingState state, V1Pod pod, InstanceState current, DateTimeOffset now)
    {
        var id = pod.Metadata.Name;
        if (state.Seen.TryGetValue(id, out var seen) && seen.State == current)
        {
            return seen.Since;
        }

        // Not in memory in this state: a restart or a new leader continues from what the pod says, so timers do not reset.
        var since = !state.Seen.ContainsKey(id) && InstanceAnnotations.SinceOf(pod, current) is { } recorded && recorded <= now ? recorded : now;
        state.Seen[id] = (current, since);
        return since;
    }

    /// <summary>What the pod's labels say the operator last asked of a vLLM instance, for a process that has not asked yet.</summary>
    private static (VllmIntent, InstanceRole?)? RecordedIntent(V1Pod pod) => InstanceLabels.StateOf(pod) switch
    {
        InstanceState.Active => (VllmIntent.Routed, InstanceLabels.RoleOf(pod)),
        InstanceState.Draining => (VllmIntent.Draining, InstanceLabels.RoleOf(pod)),
        _ => null,
    };

    /// <summary>Drains and activations in progress that this process did not start (before a restart or on another leader).</summary>
    private static void Restore(DeploymentScalingState state, V1Pod pod, InstanceState current)
    {
        var id = pod.Metadata.Name;
        if (current == InstanceState.Draining && !state.DrainsStarted.ContainsKey(id) && InstanceAnnotations.TimeOf(pod, InstanceAnnotations.DrainStarted) is { } drained)
        {
            state.DrainsStarted[id] = drained;
        }

        if (current == InstanceState.Loading && !state.ActivationsStarted.ContainsKey(id) && InstanceAnnotations.TimeOf(pod, InstanceAnnotations.ActivationStarted) is { } activated)
        {
            state.ActivationsStarted[id] = activated;
        }
    }
}
