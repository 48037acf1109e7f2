using System.Net;
using System.Net.Sockets;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Prometheus;
using Tandem.Api.V1Alpha1;
using Tandem.Engines.Clients;
using Tandem.Engines.Mock;
using Tandem.Operator.Autoscaling;
using Tandem.Operator.Instances;
using Tandem.Runtime;
using Tandem.Runtime.Cache;
using Tandem.Runtime.Client;
using Tandem.Runtime.Controllers;
using Tandem.Runtime.Queue;

namespace Tandem.Operator.Tests.Autoscaling;

/// <summary>
/// The autoscaler controller as the operator wires it, minus the API server: informer caches filled by the test, an
/// in-memory pod store, recorded events, a leadership switch, and real mock engines on loopback addresses (each pod's
/// IP is a distinct 127.0.0.x, all engines of the harness share one control port, as pods of a deployment do).
/// </summary>
internal sealed class AutoscalerHarness : IAsyncDisposable
{
    /// <summary>The suite's fast engine profile, with loads of 50 ms so activations finish within a tick or two.</summary>
    public static readonly MockEngineProfile EngineProfile = TestProfiles.Fast with
    {
        LoadFromStorage = TimeSpan.FromMilliseconds(50),
        LoadFromHostCache = TimeSpan.FromMilliseconds(50),
        LoadFromPeer = TimeSpan.FromMilliseconds(50),
    };

    private readonly List<IAsyncDisposable> _owned = [];
    private readonly List<EngineFleet> _retired = [];
    private readonly CancellationTokenSource _stop = new();
    private Task? _running;
    private int _nextIp = 10;

    public AutoscalerHarness(OperatorOptions? options = null)
    {
        Options = options ?? new OperatorOptions();
        ControlPort = FreePort();
        Profiles.Upsert(TestObjects.Profile());
        Build();
    }

    /// <summary>
    /// A new operator process (or a new leader) over the same cluster and engines: its memory, connections and streams
    /// start empty; what it knows comes from the pods.
    /// </summary>
    public async Task RestartAsync()
    {
        await Fleet.DisposeAsync();
        Build();
    }

    /// <summary>
    /// Another replica takes the lease (epoch + 1) and runs as a fresh process; this one's leadership ends but its
    /// reconciler stays reachable (returned), as a paused old leader that resumes would be.
    /// </summary>
    public (AutoscalerReconciler Old, ScalingStateStore OldStore) FailOver()
    {
        var old = (Reconciler, Store);
        Leadership.Set(false);
        Leadership = new SwitchableLeadership { Epoch = Leadership.Epoch + 1 };
        _retired.Add(Fleet);
        Build();
        return old;
    }

    [System.Diagnostics.CodeAnalysis.MemberNotNull(nameof(Fleet), nameof(Store), nameof(Reconciler), nameof(Controller))]
    private void Build()
    {
        Store = new ScalingStateStore();
        Fleet = new EngineFleet(new ControlClientOptions { CallDeadline = Options.ControlCallDeadline, MaxRetries = Options.ControlCallRetries }, NullLogger<EngineFleet>.Instance);
        var metrics = new AutoscalerMetrics(new CollectorRegistry());
        var fence = new LeaderFence(Leadership);
        var scaler = new DeploymentScaler(
            new FleetObserver(Pods, Fleet),
            new ActionExecutor(Fleet, PodClient, Events, metrics, NullLogger<ActionExecutor>.Instance, fence),
            new MembershipPublisher(Fleet, NullLogger<MembershipPublisher>.Instance, fence),
            new RolloutExecutor(Fleet, PodClient, Events, NullLogger<RolloutExecutor>.Instance, fence),
            Pools, new NoCallsClient<EnginePool>(), PodClient, metrics, NullLogger<DeploymentScaler>.Instance, fence);
        Reconciler = new AutoscalerReconciler(Deployments, Profiles, Pods, Pools, scaler, Store, Fleet, Events, Microsoft.Extensions.Options.Options.Create(Options),
            TimeProvider.System, NullLogger<AutoscalerReconciler>.Instance);
        Controller = new Controller(AutoscalerReconciler.ControllerName, Reconciler.ReconcileAsync,
            new ControllerSettings(Options.AutoscalerWorkers, TimeSpan.FromSeconds(5), new ExponentialBackoff(Options.AutoscalerBaseBackoff, Options.AutoscalerMaxBackoff)),
            TimeProvider.System, NullLogger.Instance);
    }

    public OperatorOptions Options { get; }

    public int ControlPort { get; }

    public ObjectCache<InferenceDeployment> Deployments { get; } = new();

    public ObjectCache<ModelProfile> Profiles { get; } = new();

    public ObjectCache<V1Pod> Pods { get; } = new();

    public ObjectCache<EnginePool> Pools { get; } = new();

    public InMemoryPodClient PodClient { get; } = new();

    public RecordingEvents Events { get; } = new();

    public SwitchableLeadership Leadership { get; private set; } = new();

    public ScalingStateStore Store { get; private set; }

    public EngineFleet Fleet { get; private set; }

    public AutoscalerReconciler Reconciler { get; private set; }

    public Controller Controller { get; private set; }

    /// <summary>Adds a deployment whose engines listen on the harness's control port.</summary>
    public InferenceDeployment AddDeployment(string name, Action<InferenceDeploymentSpec>? edit = null)
    {
        var deployment = TestObjects.Deployment(name, spec =>
        {
            spec.Engine.Ports.Control = ControlPort;
            edit?.Invoke(spec);
        });
        deployment.Metadata.Uid = name + "-uid";
        Deployments.Upsert(deployment);
        return deployment;
    }

    /// <summary>Starts a standby mock engine as pod <paramref name="pod"/> of <paramref name="deployment"/>; with a proxy when it must be frozen later.</summary>
    public async Task<(MockEngineServer Engine, FreezableProxy? Proxy, string Address)> AddStandbyEngineAsync(InferenceDeployment deployment, string pod, bool freezable = false)
    {
        var podIp = IPAddress.Parse($"127.0.0.{Interlocked.Increment(ref _nextIp)}");
        var engineIp = freezable ? IPAddress.Parse($"127.0.0.{Interlocked.Increment(ref _nextIp)}") : podIp;
        var engine = await MockEngineServer.StartAsync(new MockEngineOptions
        {
            Address = engineIp,
            HttpPort = 0,
            ControlPort = ControlPort,
            Standby = true,
            Profile = EngineProfile,
        });
        _owned.Add(engine);
        FreezableProxy? proxy = null;
        if (freezable)
        {
            proxy = new FreezableProxy(new IPEndPoint(podIp, ControlPort), new IPEndPoint(engineIp, ControlPort));
            _owned.Add(proxy);
        }

        var labels = InstanceLabels.ForDeployment(deployment, InstanceLabels.Components.Engine);
        labels[WellKnownLabels.State] = "standby";
        // Made from the deployment's current template, as the operator would: not a pod a rollout must replace.
        labels[PodTemplateHash.Label] = EnginePodBuilder.TemplateHash(deployment, Profiles.Get(deployment.Metadata.NamespaceProperty, deployment.Spec.Model)!);
        var v1 = new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = pod, NamespaceProperty = "default", Labels = labels, Uid = pod + "-uid" },
            Spec = new V1PodSpec { Containers = [new V1Container { Name = "engine", Ports = [new V1ContainerPort { ContainerPort = ControlPort }] }] },
            Status = new V1PodStatus { Phase = "Running", PodIP = podIp.ToString() },
        };
        Pods.Upsert(v1);
        await PodClient.CreateAsync(v1, CancellationToken.None);
        PodClient.Created.Remove(pod);
        return (engine, proxy, $"{podIp}:{ControlPort}");
    }

    /// <summary>Runs the controller with every deployment queued.</summary>
    public void Start()
    {
        Deployments.MarkSynced();
        Profiles.MarkSynced();
        Pods.MarkSynced();
        Pools.MarkSynced();
        foreach (var deployment in Deployments.List())
        {
            Controller.Enqueue(ReconcileRequest.For(deployment));
        }

        _running = Controller.RunAsync(_stop.Token);
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        if (_running is not null)
        {
            await _running;
        }

        await Fleet.DisposeAsync();
        foreach (var retired in _retired)
        {
            await retired.DisposeAsync();
        }

        foreach (var owned in _owned.AsEnumerable().Reverse())
        {
            await owned.DisposeAsync();
        }

        _stop.Dispose();
    }

    /// <summary>Waits for <paramref name="condition"/>, failing with <paramref name="what"/> after <paramref name="deadline"/>.</summary>
    public static async Task WaitAsync(Func<bool> condition, TimeSpan deadline, string what)
    {
        var until = DateTime.UtcNow + deadline;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, $"{what} did not happen within {deadline.TotalSeconds:F0} s");
            await Task.Delay(20);
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
