using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Tandem.Emulator.Controllers;
using Tandem.Emulator.Storage;
using Tandem.Emulator.Watch;

namespace Tandem.Emulator.Kubelet;

/// <summary>
/// Scheduler and kubelet of the emulated nodes: binds pods to nodes with free GPUs (or leaves them Pending with
/// PodScheduled=False/Unschedulable), gives each a 127.x.y.z IP, starts the <see cref="IPodRuntime"/>, moves the pod
/// to Running and Ready (after writing its Secret volumes), and on deletion stops the runtime within terminationGracePeriodSeconds before removing it.
/// </summary>
public sealed class KubeletStandIn : StoreController
{
    private static readonly ResourceType PodType = BuiltinResources.All().First(t => t.Kind == "Pod");
    private static readonly ResourceType NodeType = BuiltinResources.All().First(t => t.Kind == "Node");

    private readonly ConcurrentDictionary<string, RunningPod> _pods = new();
    private readonly ConcurrentDictionary<string, string> _lastUnschedulable = new();
    private readonly PodIpPool _ips;
    private readonly IPodRuntime? _runtime;
    private readonly TimeProvider _time;
    private readonly EventRecorder _events;
    private readonly SecretVolumes _secrets;

    public KubeletStandIn(ObjectStore store, ResourceRegistry registry, EmulatedClusterOptions options, ILogger<KubeletStandIn> logger)
        : base(store, registry, logger)
    {
        _ips = new PodIpPool(IPAddress.Parse(options.ResolvePodCidrStart()));
        _runtime = options.PodRuntime;
        _time = options.TimeProvider;
        _events = new EventRecorder(store, "tandem-emulator");
        _secrets = new SecretVolumes(store);
    }

    protected override Task HandleAsync(WatchEvent e, JsonObject obj)
    {
        var kind = JsonPaths.Str(obj, "kind");
        if (kind == "Secret" && e.Type != StoredEvent.Deleted)
        {
            RefreshSecret(obj);
            return Task.CompletedTask;
        }
        if (kind == "Node" || (kind == "Pod" && e.Type == StoredEvent.Deleted))
        {
            if (kind == "Pod") Forget(Uid(obj));
            ScheduleAllPending();
            return Task.CompletedTask;
        }
        if (kind != "Pod" || JsonPaths.Str(obj, "apiVersion") != "v1") return Task.CompletedTask;
        var nodeName = JsonPaths.GetString(obj, ".spec.nodeName");
        if (obj["metadata"]?["deletionTimestamp"] is not null)
        {
            if (!string.IsNullOrEmpty(nodeName)) BeginTermination(obj);
            return Task.CompletedTask;
        }
        if (string.IsNullOrEmpty(nodeName)) Schedule(obj);
        else if (!_pods.ContainsKey(Uid(obj)) && !PodScheduler.IsTerminal(obj)) Start(obj);
        return Task.CompletedTask;
    }

    private void ScheduleAllPending()
    {
        foreach (var pod in Store.List(PodType, null, p => string.IsNullOrEmpty(JsonPaths.GetString(p, ".spec.nodeName")) && p["metadata"]?["deletionTimestamp"] is null).Items)
            Schedule(pod);
    }

    private void Schedule(JsonObject pod)
    {
        var nodes = Store.List(NodeType, null, _ => true).Items;
        var pods = Store.List(PodType, null, p => !string.IsNullOrEmpty(JsonPaths.GetString(p, ".spec.nodeName"))).Items;
        var decision = PodScheduler.Choose(pod, nodes, pods);
        var uid = Uid(pod);
        if (decision.Node is null)
        {
            if (_lastUnschedulable.TryGetValue(uid, out var last) && last == decision.Message) return;
            _lastUnschedulable[uid] = decision.Message;
            UpdateStatus(pod, s => SetCondition(s, "PodScheduled", "False", "Unschedulable", decision.Message));
            _events.Record(pod, "Warning", "FailedScheduling", decision.Message);
            Logger.LogInformation("Pod/{Namespace}/{Name} unschedulable: {Message}", Namespace(pod), Name(pod), decision.Message);
            return;
        }
        _lastUnschedulable.TryRemove(uid, out _);
        Store.Update(PodType, Namespace(pod), Name(pod), cur =>
        {
            if (cur is null) throw ApiException.NotFound(PodType, Name(pod));
            if (!string.IsNullOrEmpty(JsonPaths.GetString(cur, ".spec.nodeName"))) return cur;
            JsonPaths.Metadata(cur)["uid"] = uid;
            ((JsonObject)cur["spec"]!)["nodeName"] = decision.Node;
            return cur;
        });
        _events.Record(pod, "Normal", "Scheduled", $"Successfully assigned {Namespace(pod)}/{Name(pod)} to {decision.Node}");
    }

    private void Start(JsonObject pod)
    {
        var uid = Uid(pod);
        var ip = _ips.Allocate();
        var record = new RunningPod(Namespace(pod), Name(pod), uid, ip);
        if (!_pods.TryAdd(uid, record)) { _ips.Release(ip); return; }
        var now = Store.Now();
        UpdateStatus(pod, s =>
        {
            s["hostIP"] = "127.0.0.1";
            s["hostIPs"] = new JsonArray(new JsonObject { ["ip"] = "127.0.0.1" });
            s["podIP"] = ip.ToString();
            s["podIPs"] = new JsonArray(new JsonObject { ["ip"] = ip.ToString() });
            s["startTime"] = now;
            s["phase"] = "Pending";
            SetCondition(s, "PodScheduled", "True", null, null);
            SetCondition(s, "Initialized", "True", null, null);
            SetCondition(s, "ContainersReady", "False", "ContainersNotReady", "containers with unready status");
            SetCondition(s, "Ready", "False", "ContainersNotReady", "containers with unready status");
            s["containerStatuses"] = ContainerStatuses(pod, running: false, ready: false, now);
        });
        record.Lifecycle = Task.Run(() => RunAsync(pod, record));
    }

    private async Task RunAsync(JsonObject pod, RunningPod record)
    {
        var ct = record.Stop.Token;
        try
        {
            await MountAsync(pod, record, ct);
            if (_runtime is not null)
            {
                var typed = KubernetesJson.Deserialize<V1Pod>(pod.ToJsonString());
                var ports = (pod["spec"]?["containers"] as JsonArray ?? []).OfType<JsonObject>()
                    .SelectMany(c => (c["ports"] as JsonArray ?? []).OfType<JsonObject>()).Select(p => (int)JsonPaths.Long(p["containerPort"])).ToList();
                var context = new PodStartContext(pod.DeepClone().AsObject(), typed, record.IP, JsonPaths.GetString(pod, ".spec.nodeName") ?? "", ports) { Mounts = Mounts(pod, record) };
                record.Handle = await _runtime.StartAsync(context, ct);
            }
            var now = Store.Now();
            UpdateStatus(pod, s => { s["phase"] = "Running"; s["containerStatuses"] = ContainerStatuses(pod, running: true, ready: false, now); });
            _events.Record(pod, "Normal", "Started", "Started emulated containers");
            foreach (var c in (pod["spec"]?["containers"] as JsonArray ?? []).OfType<JsonObject>().Where(ReadinessProbe.Has))
                await ReadinessProbe.WaitUntilReady(c, record.IP, _time, ct);
            now = Store.Now();
            UpdateStatus(pod, s =>
            {
                SetCondition(s, "ContainersReady", "True", null, null);
                SetCondition(s, "Ready", "True", null, null);
                s["containerStatuses"] = ContainerStatuses(pod, running: true, ready: true, now);
            });
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        catch (Exception e)
        {
            Logger.LogWarning(e, "Pod/{Namespace}/{Name} failed to start", record.Namespace, record.Name);
            UpdateStatus(pod, s => { s["phase"] = "Failed"; s["reason"] = "StartError"; s["message"] = e.Message; });
            _events.Record(pod, "Warning", "Failed", $"Error: {e.Message}");
        }
    }

    /// <summary>Writes the pod's Secret volumes; a missing Secret holds the pod (FailedMount, once) until it exists.</summary>
    private async Task MountAsync(JsonObject pod, RunningPod record, CancellationToken ct)
    {
        record.Secrets = SecretVolumes.Of(pod);
        string? reported = null;
        while (_secrets.Write(record.Namespace, record.Uid, record.Secrets) is { } problem)
        {
            if (problem != reported)
            {
                reported = problem;
                _events.Record(pod, "Warning", "FailedMount", problem);
            }
            // The real kubelet retries a failed mount with backoff; the Secret's arrival is also noticed sooner.
            await Task.Delay(TimeSpan.FromMilliseconds(500), _time, ct);
        }
    }

    private IReadOnlyList<MountedVolume> Mounts(JsonObject pod, RunningPod record) =>
        (pod["spec"]?["containers"] as JsonArray ?? []).OfType<JsonObject>()
            .SelectMany(c => (c["volumeMounts"] as JsonArray ?? []).OfType<JsonObject>().Select(m => (Container: JsonPaths.Str(c, "name") ?? "", Mount: m)))
            .Select(x => (x.Container, Volume: record.Secrets.FirstOrDefault(v => v.Name == JsonPaths.Str(x.Mount, "name")), Path: JsonPaths.Str(x.Mount, "mountPath") ?? ""))
            .Where(x => x.Volume is not null && x.Path.Length > 0)
            .Select(x => new MountedVolume(x.Container, x.Path, _secrets.Directory(record.Uid, x.Volume!.Name)))
            .ToArray();

    private void RefreshSecret(JsonObject secret)
    {
        var ns = Namespace(secret);
        var name = Name(secret);
        foreach (var record in _pods.Values.Where(r => r.Namespace == ns && !r.Terminating))
            foreach (var volume in record.Secrets.Where(v => v.SecretName == name))
                _secrets.Refresh(record.Uid, volume, secret);
    }

    private void BeginTermination(JsonObject pod)
    {
        var uid = Uid(pod);
        if (!_pods.TryGetValue(uid, out var record))
        {
            Store.ForceRemove(PodType, Namespace(pod), Name(pod), uid);
            return;
        }
        if (record.Terminating) return;
        record.Terminating = true;
        var grace = TimeSpan.FromSeconds(Math.Max(0, JsonPaths.Long(pod["metadata"]?["deletionGracePeriodSeconds"])));
        _events.Record(pod, "Normal", "Killing", "Stopping emulated containers");
        _ = Task.Run(async () =>
        {
            var stop = StopAsync(record);
            // The runtime gets the grace period to stop; after that the pod goes regardless (SIGKILL).
            if (grace > TimeSpan.Zero) await Task.WhenAny(stop, Task.Delay(grace, _time, Stopping)).ContinueWith(_ => { }, TaskScheduler.Default);
            else await Task.WhenAny(stop, Task.CompletedTask);
            Store.ForceRemove(PodType, record.Namespace, record.Name, uid);
        });
    }

    private static async Task StopAsync(RunningPod record)
    {
        record.Stop.Cancel();
        try { if (record.Lifecycle is not null) await record.Lifecycle; } catch (Exception) { }
        if (record.Handle is not null) await record.Handle.DisposeAsync();
    }

    private void Forget(string uid)
    {
        _lastUnschedulable.TryRemove(uid, out _);
        if (!_pods.TryRemove(uid, out var record)) return;
        _ips.Release(record.IP);
        _secrets.Remove(uid);
        // A pod removed with grace 0 (or by force) still has its runtime stopped.
        if (!record.Terminating) _ = Task.Run(() => StopAsync(record));
    }

    private void UpdateStatus(JsonObject pod, Action<JsonObject> change)
    {
        var uid = Uid(pod);
        try
        {
            Store.Update(PodType, Namespace(pod), Name(pod), cur =>
            {
                if (cur is null) throw ApiException.NotFound(PodType, Name(pod));
                JsonPaths.Metadata(cur)["uid"] = uid;
                JsonPaths.Metadata(cur).Remove("resourceVersion");
                var status = cur["status"] as JsonObject ?? new JsonObject();
                change(status);
                cur["status"] = status;
                return cur;
            }, subresource: "status");
        }
        catch (ApiException e) when (e.Code is 404 or 409) { }
    }

    private void SetCondition(JsonObject status, string type, string value, string? reason, string? message)
    {
        var conditions = status["conditions"] as JsonArray ?? [];
        status["conditions"] = conditions;
        var existing = conditions.OfType<JsonObject>().FirstOrDefault(c => JsonPaths.Str(c, "type") == type);
        if (existing is null) { existing = new JsonObject { ["type"] = type }; conditions.Add(existing); }
        if (JsonPaths.Str(existing, "status") != value) existing["lastTransitionTime"] = Store.Now();
        existing["status"] = value;
        existing["lastProbeTime"] = null;
        if (reason is null) existing.Remove("reason"); else existing["reason"] = reason;
        if (message is null) existing.Remove("message"); else existing["message"] = message;
    }

    private static JsonArray ContainerStatuses(JsonObject pod, bool running, bool ready, string now)
    {
        var list = new JsonArray();
        foreach (var c in (pod["spec"]?["containers"] as JsonArray ?? []).OfType<JsonObject>())
            list.Add(new JsonObject
            {
                ["name"] = JsonPaths.Str(c, "name"), ["image"] = JsonPaths.Str(c, "image") ?? "", ["imageID"] = "", ["ready"] = ready,
                ["restartCount"] = 0, ["started"] = running,
                ["state"] = running ? new JsonObject { ["running"] = new JsonObject { ["startedAt"] = now } }
                    : new JsonObject { ["waiting"] = new JsonObject { ["reason"] = "ContainerCreating" } },
            });
        return list;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        // All at once: each pod's server waits for its own connections to close, and a thousand of them one after
        // another took minutes.
        await Task.WhenAll(_pods.Values.Select(StopAsync));
        _pods.Clear();
        _secrets.Dispose();
    }

    private sealed class RunningPod(string ns, string name, string uid, IPAddress ip)
    {
        public string Namespace { get; } = ns;
        public string Name { get; } = name;
        public string Uid { get; } = uid;
        public IPAddress IP { get; } = ip;
        public CancellationTokenSource Stop { get; } = new();
        public Task? Lifecycle { get; set; }
        public IAsyncDisposable? Handle { get; set; }
        public bool Terminating { get; set; }
        public IReadOnlyList<SecretVolume> Secrets { get; set; } = [];
    }
}
