using System.Diagnostics;
using System.Text.Json;
using k8s;
using k8s.Models;
using Tandem.Api.V1Alpha1;

namespace Tandem.Benchmarks.Reliability;

/// <summary>One look at a deployment's engines: active instances by role and engine pods (from the pods' labels).</summary>
internal sealed record Fleet(int ActivePrefill, int ActiveDecode, int Pods)
{
    public int Active => ActivePrefill + ActiveDecode;
}

/// <summary>Reads what the reliability run judges from the cluster: the fleet, readiness, conditions, orphaned objects.</summary>
internal sealed class ClusterProbe(IKubernetes client)
{
    public IKubernetes Client => client;

    public async Task<IReadOnlyList<V1Pod>> EnginePodsAsync(string deployment, CancellationToken cancel) =>
        [.. (await client.CoreV1.ListNamespacedPodAsync("default", labelSelector: $"{WellKnownLabels.Deployment}={deployment},{WellKnownLabels.Component}=engine", cancellationToken: cancel)).Items
            .Where(p => p.Metadata.DeletionTimestamp is null)];

    public async Task<Fleet> FleetAsync(string deployment, CancellationToken cancel)
    {
        var pods = await EnginePodsAsync(deployment, cancel);
        int Active(string role) => pods.Count(p => p.Metadata.Labels.TryGetValue(WellKnownLabels.State, out var s) && s == "active"
            && p.Metadata.Labels.TryGetValue(WellKnownLabels.Role, out var r) && r == role);
        return new Fleet(Active("prefill"), Active("decode"), pods.Count);
    }

    public async Task<InferenceDeployment> DeploymentAsync(string name, CancellationToken cancel) =>
        KubernetesJson.Deserialize<InferenceDeployment>(((JsonElement)await client.CustomObjects.GetNamespacedCustomObjectAsync(
            ApiGroup.Group, ApiGroup.Version, "default", "inferencedeployments", name, cancellationToken: cancel)).GetRawText());

    /// <summary>The status of a condition ("True", "False", "Unknown") with its reason, or null when absent.</summary>
    public static (string Status, string? Reason, string? Message)? Condition(InferenceDeployment d, string type) =>
        d.Status?.Conditions?.FirstOrDefault(c => c.Type == type) is { } c ? (c.Status, c.Reason, c.Message) : null;

    /// <summary>Ready=True for the current generation.</summary>
    public static bool Converged(InferenceDeployment d) =>
        d.Status?.ObservedGeneration == d.Metadata.Generation && Condition(d, "Ready")?.Status == "True";

    /// <summary>Waits until <paramref name="deployment"/> has converged; returns how long it took (API errors are retried until the deadline).</summary>
    public async Task<TimeSpan> ConvergeAsync(string deployment, TimeSpan deadline, CancellationToken cancel, Func<InferenceDeployment, bool>? also = null)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            try
            {
                var d = await DeploymentAsync(deployment, cancel);
                if (Converged(d) && (also?.Invoke(d) ?? true)) return Stopwatch.GetElapsedTime(started);
            }
            catch (Exception e) when (e is HttpRequestException or k8s.Autorest.HttpOperationException)
            {
            }

            if (Stopwatch.GetElapsedTime(started) > deadline) throw new TimeoutException($"{deployment} did not converge (Ready=True at its generation) within {deadline.TotalSeconds:F0} s");
            await Task.Delay(200, cancel);
        }
    }

    /// <summary>
    /// Objects the operator made that nothing owns any more: Tandem-managed pods and EnginePools without a live
    /// controller owner (a kill between creating a child and recording it must not leave one behind).
    /// </summary>
    public async Task<IReadOnlyList<string>> OrphansAsync(CancellationToken cancel)
    {
        var deployments = ((JsonElement)await client.CustomObjects.ListNamespacedCustomObjectAsync(ApiGroup.Group, ApiGroup.Version, "default", "inferencedeployments", cancellationToken: cancel))
            .GetProperty("items").EnumerateArray().Select(i => i.GetProperty("metadata").GetProperty("uid").GetString()).ToHashSet();
        var replicaSets = (await client.AppsV1.ListNamespacedReplicaSetAsync("default", cancellationToken: cancel)).Items.Select(r => r.Metadata.Uid);
        var appsDeployments = (await client.AppsV1.ListNamespacedDeploymentAsync("default", cancellationToken: cancel)).Items.Select(r => r.Metadata.Uid);
        var owners = deployments.Concat(replicaSets).Concat(appsDeployments).ToHashSet();
        var orphans = new List<string>();
        foreach (var pod in (await client.CoreV1.ListNamespacedPodAsync("default", labelSelector: WellKnownLabels.Deployment, cancellationToken: cancel)).Items)
        {
            if (pod.Metadata.DeletionTimestamp is not null) continue;
            var owner = pod.Metadata.OwnerReferences?.FirstOrDefault(o => o.Controller == true);
            if (owner is null || !owners.Contains(owner.Uid)) orphans.Add("pod/" + pod.Metadata.Name);
        }

        foreach (var pool in ((JsonElement)await client.CustomObjects.ListNamespacedCustomObjectAsync(ApiGroup.Group, ApiGroup.Version, "default", "enginepools", cancellationToken: cancel)).GetProperty("items").EnumerateArray())
        {
            var meta = pool.GetProperty("metadata");
            var ownerUid = meta.TryGetProperty("ownerReferences", out var refs) ? refs.EnumerateArray().Select(r => r.GetProperty("uid").GetString()).FirstOrDefault() : null;
            if (ownerUid is null || !deployments.Contains(ownerUid)) orphans.Add("enginepool/" + meta.GetProperty("name").GetString());
        }

        return orphans;
    }
}

/// <summary>Counts scale events in the background: every instance that becomes active or stops being active is one.</summary>
internal sealed class ScaleEventCounter : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _events;

    public ScaleEventCounter(ClusterProbe probe, string deployment) => _loop = Task.Run(async () =>
    {
        Fleet? last = null;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var now = await probe.FleetAsync(deployment, _stop.Token);
                if (last is not null) Interlocked.Add(ref _events, Math.Abs(now.ActivePrefill - last.ActivePrefill) + Math.Abs(now.ActiveDecode - last.ActiveDecode));
                last = now;
                Current = now;
                await Task.Delay(200, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or k8s.Autorest.HttpOperationException)
            {
                // Injected API faults: sample again.
            }
        }
    });

    /// <summary>Scale events counted so far.</summary>
    public int Events => Volatile.Read(ref _events);

    /// <summary>The last fleet seen.</summary>
    public Fleet? Current { get; private set; }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
