using Tandem.Scaling.Lifecycle;
using Tandem.Scaling.Models;
using Tandem.Scaling.Policies;
using Tandem.Scaling.Workload;

namespace Tandem.Scaling.Simulation;

/// <summary>
/// A discrete-event simulation of a prefill pool and a decode pool in virtual time, driven by a request trace and
/// scaled by an <see cref="IScalingPolicy"/> called every interval (the same objects the operator calls).
/// Model (written here, kept small): the router queues prompts in <see cref="SimulationOptions.Dispatch"/> order (earliest
/// TTFT deadline first by default, <see cref="PrefillQueue"/>); an idle active prefill instance takes a batch of
/// up to MaxBatchTokens and finishes it after overhead + tokens / R, producing each request's first token; the KV then
/// moves to the decode instance with the most free blocks (room for prompt + output reserved) at T tokens/s, one
/// transfer at a time per decode instance (none when a mutated instance decodes its own prefill); decode runs
/// continuous batching with a step of base + per-sequence x batch. Pods take ColdStart to become standby; standby
/// loads weights in the chosen source's load time; draining finishes in-flight work then goes warm. GPU-seconds are
/// charged for every pod from creation to deletion (standby included). With live-scaling, an instance loading from a
/// peer already takes prefill batches at half speed (the peer runs the layers that have not arrived yet).
/// </summary>
public sealed class Simulator
{
    private static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly IReadOnlyList<TraceRequest> trace;
    private readonly IScalingPolicy policy;
    private readonly SimulationOptions options;
    private readonly ModelNumbers model;
    private readonly PriorityQueue<Event, (double Time, long Seq)> events = new();
    private readonly List<SimInstance> instances = [];
    private readonly List<SimInstance> everyPod = [];
    private readonly PrefillQueue prefillQueue;
    private readonly LinkedList<SimRequest> migrationQueue = new();
    private readonly Queue<(double At, int Tokens)> recentArrivals = new();
    private readonly List<SimRequest> requests = [];
    private readonly List<TimelineSample> timeline = [];
    private readonly List<ScaleEvent> scaleEvents = [];
    private long recentTokens;
    private long seq;
    private int nextId;
    private int finished;
    private double now;
    private double lastCompletion;

    private Simulator(IReadOnlyList<TraceRequest> trace, IScalingPolicy policy, SimulationOptions options)
    {
        this.trace = trace;
        this.policy = policy;
        this.options = options;
        model = options.Model;
        prefillQueue = new PrefillQueue(options.Dispatch);
    }

    /// <summary>Runs <paramref name="policy"/> on <paramref name="trace"/> (arrivals in seconds from 0) to the last request.</summary>
    public static SimulationResult Run(IReadOnlyList<TraceRequest> trace, IScalingPolicy policy, SimulationOptions options)
    {
        options.Model.Validate();
        options.Bounds.Validate();
        if (policy is StaticPolicy fixedFleet)
        {
            options = options with { Bounds = fixedFleet.Fit(options.Bounds) };
        }

        if (options.Interval <= TimeSpan.Zero)
        {
            throw new ArgumentException("interval: must be > 0.");
        }

        return new Simulator(trace, policy, options).Execute();
    }

    private SimulationResult Execute()
    {
        var bounds = options.Bounds;
        var (initialPrefill, initialDecode) = policy is StaticPolicy s
            ? (s.Prefill ?? bounds.Prefill.Max, s.Decode ?? bounds.Decode.Max)
            : (Math.Max(1, bounds.Prefill.Min), Math.Max(1, bounds.Decode.Min));
        for (var i = 0; i < initialPrefill; i++)
        {
            AddPod(InstanceState.Active, InstanceRole.Prefill);
        }

        for (var i = 0; i < initialDecode; i++)
        {
            AddPod(InstanceState.Active, InstanceRole.Decode);
        }

        for (var i = 0; i < bounds.Standby.Replicas; i++)
        {
            AddPod(InstanceState.Standby, null);
        }

        var slo = options.EffectiveSlo;
        foreach (var r in trace)
        {
            var request = new SimRequest(r.ArrivalSeconds, r.InputTokens, r.OutputTokens, r.ArrivalSeconds + slo.TtftSecondsFor(r.InputTokens), requests.Count);
            requests.Add(request);
            Schedule(r.ArrivalSeconds, new Event(Kind.Arrival, null, request, 0));
        }

        var lastArrival = trace.Count > 0 ? trace[^1].ArrivalSeconds : 0;
        var giveUpAt = lastArrival + options.MaxTail.TotalSeconds;
        Schedule(0, new Event(Kind.Tick, null, null, 0));
        while (events.TryDequeue(out var e, out var at))
        {
            now = at.Time;
            if (e.Kind == Kind.Tick && (finished == requests.Count || now > giveUpAt))
            {
                break;
            }

            Handle(e);
        }

        var end = Math.Max(lastCompletion, lastArrival);
        foreach (var r in requests.Where(r => !r.Finished))
        {
            r.Error ??= "unfinished when the simulation gave up";
        }

        var gpuSeconds = everyPod.Sum(p => (Math.Min(p.Deleted ?? end, end) - p.Created) * model.GpusPerInstance);
        var reserved = everyPod.Sum(p => p.ReservedSecondsUntil(end) * model.GpusPerInstance);
        var outcomes = requests.Select(r => r.Error is null
            ? new RequestOutcome(r.Arrival, r.Input, r.Output, r.Tokens)
            : RequestOutcome.Failure(r.Arrival, r.Input, r.Output, r.Error)).ToArray();
        return new SimulationResult(policy.Name, outcomes, gpuSeconds - reserved, reserved, end, timeline, scaleEvents, options.EffectiveSlo)
        {
            Deprioritised = prefillQueue.Deprioritised,
        };
    }

    private void Handle(Event e)
    {
        switch (e.Kind)
        {
            case Kind.Arrival:
                Arrive(e.Request!);
                break;
            case Kind.PrefillDone:
                PrefillDone(e.Instance!);
                break;
            case Kind.TransferDone:
                TransferDone(e.Request!, e.Instance!);
                break;
            case Kind.StepDone:
                StepDone(e.Instance!);
                break;
            case Kind.LoadDone when e.Instance!.Version == e.Version && e.Instance.State == InstanceState.Loading:
                e.Instance.MoveTo(InstanceState.Active, now);
                e.Instance.LiveFromPeer = false;
                Dispatch();
                Migrate();
                break;
            case Kind.PodReady when e.Instance!.Version == e.Version && e.Instance.State == InstanceState.Pending:
                e.Instance.MoveTo(InstanceState.Standby, now);
                break;
            case Kind.Tick:
                Tick();
                Schedule(now + options.Interval.TotalSeconds, new Event(Kind.Tick, null, null, 0));
                break;
        }
    }

    private void Arrive(SimRequest request)
    {
        if (model.BlocksFor(request.Input + request.Output) > model.KvBlocksPerInstance)
        {
            Finish(request, "prompt and output exceed one instance's KV cache");
            return;
        }

        prefillQueue.Add(request);
        recentArrivals.Enqueue((now, request.Input));
        recentTokens += request.Input;
        Dispatch();
    }

    /// <summary>Gives a batch to every idle active prefill instance while prompts wait.</summary>
    private void Dispatch()
    {
        foreach (var instance in instances)
        {
            if (prefillQueue.Count == 0)
            {
                return;
            }

            var live = instance.State == InstanceState.Loading && instance.LiveFromPeer;
            if ((instance.State != InstanceState.Active && !live) || instance.Role != InstanceRole.Prefill || instance.Batch is not null)
            {
                continue;
            }

            var rate = live ? model.PrefillTokensPerSecond / 2 : model.PrefillTokensPerSecond;
            double BatchSeconds(int tokens) => model.PrefillOverhead.TotalSeconds + tokens / rate;
            var batch = prefillQueue.TakeBatch(now, model.MaxBatchTokens, BatchSeconds);
            instance.Batch = batch;
            Schedule(now + BatchSeconds(batch.Sum(r => r.Input)), new Event(Kind.PrefillDone, instance, null, 0));
        }
    }

    private void PrefillDone(SimInstance instance)
    {
        foreach (var request in instance.Batch!)
        {
            request.Tokens.Add(now);
            if (request.Output <= 1)
            {
                Finish(request, null);
                continue;
            }

            request.PrefilledOn = instance;
            instance.HeldBlocks += model.BlocksFor(request.Input);
            instance.UnmigratedTokens += request.Input;
            migrationQueue.AddLast(request);
        }

        instance.Batch = null;
        CheckDrained(instance);
        Dispatch();
        Migrate();
    }

    /// <summary>Moves prefilled requests, oldest first, to decode instances with room (a request that fits nowhere waits).</summary>
    private void Migrate()
    {
        while (migrationQueue.First is { } head)
        {
            var request = head.Value;
            var need = model.BlocksFor(request.Input + request.Output);
            SimInstance? target = null;
            foreach (var i in instances)
            {
                if (i.State != InstanceState.Active || i.Role != InstanceRole.Decode || model.KvBlocksPerInstance - i.ReservedBlocks < need)
                {
                    continue;
                }

                if (i == request.PrefilledOn)
                {
                    target = i;
                    break;
                }

                if (target is null || i.ReservedBlocks < target.ReservedBlocks)
                {
                    target = i;
                }
            }

            if (target is null)
            {
                return;
            }

            migrationQueue.RemoveFirst();
            request.Reserved = need;
            target.ReservedBlocks += need;
            target.InboundTransfers++;
            var local = target == request.PrefilledOn;
            var start = local ? now : Math.Max(now, target.TransferFreeAt);
            var done = local ? now : start + request.Input / model.TransferTokensPerSecond;
            if (!local)
            {
                target.TransferFreeAt = done;
            }

            Schedule(done, new Event(Kind.TransferDone, target, request, 0));
        }
    }

    private void TransferDone(SimRequest request, SimInstance target)
    {
        var source = request.PrefilledOn!;
        source.HeldBlocks -= model.BlocksFor(request.Input);
        source.UnmigratedTokens -= request.Input;
        target.InboundTransfers--;
        request.JoinedAt = now;
        target.Running.Add(request);
        if (!target.Stepping)
        {
            StartStep(target);
        }

        CheckDrained(source);
    }

    private void StartStep(SimInstance instance)
    {
        instance.Stepping = true;
        instance.StepStart = now;
        Schedule(now + model.DecodeStepSeconds(instance.Running.Count), new Event(Kind.StepDone, instance, null, 0));
    }

    private void StepDone(SimInstance instance)
    {
        var running = instance.Running;
        var kept = 0;
        for (var k = 0; k < running.Count; k++)
        {
            var request = running[k];
            if (request.JoinedAt <= instance.StepStart)
            {
                request.Tokens.Add(now);
                if (request.Tokens.Count >= request.Output)
                {
                    instance.ReservedBlocks -= request.Reserved;
                    Finish(request, null);
                    continue;
                }
            }

            running[kept++] = request;
        }

        running.RemoveRange(kept, running.Count - kept);
        instance.Stepping = false;
        if (running.Count > 0)
        {
            StartStep(instance);
        }

        CheckDrained(instance);
        Migrate();
    }

    private void Finish(SimRequest request, string? error)
    {
        request.Finished = true;
        request.Error = error;
        finished++;
        lastCompletion = Math.Max(lastCompletion, now);
    }

    private void CheckDrained(SimInstance instance)
    {
        if (instance.State == InstanceState.Draining && instance.Batch is null && instance.UnmigratedTokens == 0
            && instance.Running.Count == 0 && instance.InboundTransfers == 0)
        {
            instance.MoveTo(InstanceState.Warm, now);
        }
    }

    private void Tick()
    {
        while (recentArrivals.TryPeek(out var oldest) && oldest.At < now - RateWindowSeconds)
        {
            recentTokens -= recentArrivals.Dequeue().Tokens;
        }

        var at = Epoch.AddSeconds(now);
        var views = instances.Select(i => new InstanceView(i.Id, i.Role, i.State, Epoch.AddSeconds(i.Since))
        {
            UsedKvBlocks = i.HeldBlocks + UsedDecodeBlocks(i),
            UnmigratedKvTokens = i.UnmigratedTokens,
            RunningRequests = (i.Batch?.Count ?? 0) + i.Running.Count,
            WaitingRequests = i.InboundTransfers,
            IsWeightSource = i.WeightSourceUntil > now,
        }).ToArray();
        var load = new RouterLoad(prefillQueue.Tokens)
        {
            QueuedRequests = prefillQueue.Count,
            PromptTokensPerSecond = recentTokens / RateWindowSeconds,
            FastPromptTokensPerSecond = FastRate(),
        };
        var decision = policy.Decide(new ScalingInput(at, model, options.Bounds, load, views));
        foreach (var action in decision.Actions)
        {
            Apply(action);
        }

        Dispatch();
        Migrate();
        timeline.Add(new TimelineSample(now, prefillQueue.Tokens, recentArrivals.Count / RateWindowSeconds,
            instances.Count(i => i.Serving && i.Role == InstanceRole.Prefill),
            instances.Count(i => i.Serving && i.Role == InstanceRole.Decode),
            Count(InstanceState.Loading), Count(InstanceState.Draining), Count(InstanceState.Warm), Count(InstanceState.Standby),
            Count(InstanceState.Pending), instances.Count * model.GpusPerInstance));
    }

    private const double RateWindowSeconds = 10;

    /// <summary>The router's fast estimate: prompt tokens of the last <see cref="RouterLoad.FastWindow"/> per second.</summary>
    private double FastRate()
    {
        var window = RouterLoad.FastWindow.TotalSeconds;
        long tokens = 0;
        foreach (var (at, t) in recentArrivals)
        {
            if (at >= now - window)
            {
                tokens += t;
            }
        }

        return tokens / window;
    }

    private int Count(InstanceState state) => instances.Count(i => i.State == state);

    private int UsedDecodeBlocks(SimInstance instance)
    {
        var blocks = 0;
        foreach (var r in instance.Running)
        {
            blocks += model.BlocksFor(r.Input + r.Tokens.Count);
        }

        return blocks;
    }

    private void Apply(ScalingAction action)
    {
        switch (action)
        {
            case CancelDrain a:
                Find(a.InstanceId).MoveTo(InstanceState.Active, now);
                Record("cancel-drain", a.InstanceId, a.Reason);
                break;
            case ReuseWarm a:
            {
                var i = Find(a.InstanceId);
                i.MoveTo(InstanceState.Active, now);
                i.Role = a.Role;
                Record("reuse-warm", $"{a.InstanceId} as {Lower(a.Role)}", a.Reason);
                break;
            }

            case Mutate a:
            {
                var i = Find(a.InstanceId);
                i.MoveTo(InstanceState.Active, now);
                i.Role = InstanceRole.Decode;
                Record("mutate", a.InstanceId, a.Reason);
                break;
            }

            case ActivateStandby a:
            {
                var i = Find(a.InstanceId);
                i.MoveTo(InstanceState.Loading, now);
                i.Role = a.Role;
                var seconds = (a.Source.Kind switch
                {
                    WeightSourceKind.Peer => model.LoadFromPeer,
                    WeightSourceKind.HostCache => model.LoadFromHostCache,
                    _ => model.LoadFromStorage,
                }).TotalSeconds;
                i.LiveFromPeer = a.Source.Kind == WeightSourceKind.Peer && options.Bounds.Features.HasFlag(ScalingFeatures.LiveScaling);
                if (a.Source.PeerId is { } peer)
                {
                    var source = Find(peer);
                    source.WeightSourceUntil = Math.Max(source.WeightSourceUntil, now + seconds);
                }

                Schedule(now + seconds, new Event(Kind.LoadDone, i, null, ++i.Version));
                Record("activate", $"{a.InstanceId} as {Lower(a.Role)} from {a.Source}", a.Reason);
                break;
            }

            case Drain a:
            {
                var i = Find(a.InstanceId);
                i.MoveTo(InstanceState.Draining, now);
                CheckDrained(i);
                Record("drain", a.InstanceId, a.Reason);
                break;
            }

            case Unload a:
            {
                var i = Find(a.InstanceId);
                i.MoveTo(InstanceState.Standby, now);
                i.Role = null;
                Record("unload", a.InstanceId, a.Reason);
                break;
            }

            case CreatePods a:
                for (var k = 0; k < a.Count; k++)
                {
                    var pod = AddPod(InstanceState.Pending, null);
                    Schedule(now + model.ColdStart.TotalSeconds, new Event(Kind.PodReady, pod, null, pod.Version));
                }

                Record("create-pods", a.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), a.Reason);
                break;
            case DeletePod a:
            {
                var i = Find(a.InstanceId);
                if (InstanceTransitions.ProtectsPod(i.State))
                {
                    throw new InvalidOperationException($"The policy deleted {a.InstanceId} while it is {i.State}.");
                }

                i.Deleted = now;
                i.Version++;
                instances.Remove(i);
                Record("delete-pod", a.InstanceId, a.Reason);
                break;
            }
        }
    }

    private SimInstance AddPod(InstanceState state, InstanceRole? role)
    {
        var pod = new SimInstance($"i{nextId++}", state, role, now);
        instances.Add(pod);
        everyPod.Add(pod);
        return pod;
    }

    private SimInstance Find(string id) =>
        instances.FirstOrDefault(i => i.Id == id) ?? throw new InvalidOperationException($"The policy named an unknown instance '{id}'.");

    private void Record(string action, string target, string reason) => scaleEvents.Add(new ScaleEvent(now, action, target, reason));

    private void Schedule(double at, Event e) => events.Enqueue(e, (at, seq++));

    private static string Lower(InstanceRole role) => role == InstanceRole.Prefill ? "prefill" : "decode";

    private enum Kind
    {
        Arrival,
        PrefillDone,
        TransferDone,
        StepDone,
        LoadDone,
        PodReady,
        Tick,
    }

    private readonly record struct Event(Kind Kind, SimInstance? Instance, SimRequest? Request, int Version);
}
