using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Prometheus;
using Tandem.Engines.Clients;
using Tandem.Engines.Contract;
using Tandem.Engines.Mock;
using Tandem.Operator.Autoscaling;
using Tandem.Runtime;
using Tandem.Scaling.Lifecycle;
using Tandem.Scaling.Policies;

namespace Tandem.Operator.Tests.Autoscaling;

/// <summary>
/// The ActionExecutor carries a decision's fast-tier actions out on real in-process mock engines (gRPC on 127.0.0.1)
/// and its slow-tier actions on an in-memory pod store; each test checks the engine's state and role afterwards.
/// </summary>
public sealed class ActionExecutorTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private static readonly DateTimeOffset Now = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    // The harness's fast test model, with load times long enough to watch Loading on the fake clock.
    private static readonly MockEngineProfile Profile = AutoscalerHarness.EngineProfile with
    {
        LoadFromStorage = TimeSpan.FromSeconds(8),
        LoadFromHostCache = TimeSpan.FromSeconds(2),
        LoadFromPeer = TimeSpan.FromSeconds(1),
    };

    private readonly FakeTimeProvider _clock = new(Now);
    private readonly List<MockEngineServer> _engines = [];
    private readonly InMemoryPodClient _pods = new();
    private readonly RecordingEvents _events = new();
    private readonly DeploymentScalingState _state = new("bounds");
    private EngineFleet _fleet = null!;
    private ActionExecutor _executor = null!;

    public Task InitializeAsync()
    {
        _fleet = new EngineFleet(new ControlClientOptions(), NullLogger<EngineFleet>.Instance);
        _executor = new ActionExecutor(_fleet, _pods, _events, new AutoscalerMetrics(new CollectorRegistry()), NullLogger<ActionExecutor>.Instance);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _fleet.DisposeAsync();
        foreach (var engine in _engines)
        {
            await engine.DisposeAsync();
        }
    }

    [Fact]
    public async Task Mutate_turns_an_active_prefill_engine_into_an_active_decode_engine_and_records_RoleChanged()
    {
        var engine = await StartAsync(InstanceRole.Prefill);

        var done = await RunAsync([Instance("chat-engine-0", engine)], new Mutate("chat-engine-0", "decode scale-up while prefill shrinks"));

        Assert.Equal(1, done);
        Assert.Equal(InstanceState.Active, engine.Engine.State);
        Assert.Equal(InstanceRole.Decode, RoleOf(engine));
        var recorded = Assert.Single(_events.Recorded);
        Assert.Equal((EventTypes.Normal, "RoleChanged"), (recorded.Type, recorded.Reason));
        Assert.Contains("chat-engine-0 changed role prefill -> decode", recorded.Note);
    }

    [Fact]
    public async Task Drain_of_an_idle_engine_leaves_it_warm_with_its_role_and_remembers_when_the_drain_began()
    {
        var engine = await StartAsync(InstanceRole.Decode);

        await RunAsync([Instance("chat-engine-1", engine)], new Drain("chat-engine-1", "decode scale-down"));

        // Nothing in flight, so the drain completes at once: weights stay resident (warm), the role is kept for reuse.
        Assert.Equal(InstanceState.Warm, engine.Engine.State);
        Assert.Equal(InstanceRole.Decode, RoleOf(engine));
        Assert.True(engine.Engine.Status().WeightsLoaded);
        Assert.Equal(Now, _state.DrainsStarted["chat-engine-1"]);
        Assert.Equal("Draining", Assert.Single(_events.Recorded).Reason);
    }

    [Fact]
    public async Task Unload_of_a_warm_engine_drops_its_weights_and_leaves_it_standby()
    {
        var engine = await StartAsync(InstanceRole.Decode);
        engine.Engine.Drain();
        Assert.Equal(InstanceState.Warm, engine.Engine.State);

        await RunAsync([Instance("chat-engine-2", engine)], new Unload("chat-engine-2", "warm past scaleDownDelay"));

        Assert.Equal(InstanceState.Standby, engine.Engine.State);
        Assert.False(engine.Engine.Status().WeightsLoaded);
        Assert.Equal("Unloaded", Assert.Single(_events.Recorded).Reason);
    }

    [Fact]
    public async Task ActivateStandby_from_a_peer_loads_for_the_peer_time_then_serves_the_asked_role()
    {
        var standby = await StartAsync(role: null, standby: true);
        var peer = await StartAsync(InstanceRole.Decode);

        await RunAsync([Instance("chat-engine-3", standby), Instance("chat-engine-4", peer)],
            new ActivateStandby("chat-engine-3", InstanceRole.Decode, WeightSource.Peer("chat-engine-4"), "decode scale-up"));

        Assert.Equal(InstanceState.Loading, standby.Engine.State);
        Assert.Equal(InstanceRole.Decode, RoleOf(standby));
        Assert.Equal(Now, _state.ActivationsStarted["chat-engine-3"]);

        // The peer's load time (1 s), not storage's (8 s), brings it to Active.
        _clock.Advance(Profile.LoadFromPeer);
        await WaitAsync(() => standby.Engine.State == InstanceState.Active, "the standby engine to finish loading from its peer");
        Assert.Equal(InstanceRole.Decode, RoleOf(standby));
        Assert.Equal("ScaledUp", Assert.Single(_events.Recorded).Reason);
    }

    [Fact]
    public async Task Actions_of_one_decision_on_different_engines_all_take_effect_each_recorded_once()
    {
        var prefill = await StartAsync(InstanceRole.Prefill);
        var decode = await StartAsync(InstanceRole.Decode);
        var standby = await StartAsync(role: null, standby: true);

        var done = await RunAsync([Instance("chat-engine-0", prefill), Instance("chat-engine-1", decode), Instance("chat-engine-2", standby)],
            new Mutate("chat-engine-0", "decode needs more"),
            new Drain("chat-engine-1", "decode over-provisioned"),
            new ActivateStandby("chat-engine-2", InstanceRole.Prefill, WeightSource.Storage, "prefill needs one"));

        Assert.Equal(3, done);
        Assert.Equal((InstanceState.Active, InstanceRole.Decode), (prefill.Engine.State, RoleOf(prefill)));
        Assert.Equal((InstanceState.Warm, InstanceRole.Decode), (decode.Engine.State, RoleOf(decode)));
        Assert.Equal((InstanceState.Loading, InstanceRole.Prefill), (standby.Engine.State, RoleOf(standby)));
        // Independent actions run in parallel: each is recorded once, in whatever order they finished.
        Assert.Equal(["Draining", "RoleChanged", "ScaledUp"], _events.Recorded.Select(e => e.Reason).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Mutate_of_a_standby_engine_is_refused_by_the_engine_and_reported_as_a_warning_without_stopping_the_rest()
    {
        var standby = await StartAsync(role: null, standby: true);
        var active = await StartAsync(InstanceRole.Decode);

        var done = await RunAsync([Instance("chat-engine-0", standby), Instance("chat-engine-1", active)],
            new Mutate("chat-engine-0", "decode needs more"),
            new Drain("chat-engine-1", "decode over-provisioned"));

        Assert.Equal(1, done);
        Assert.Equal(InstanceState.Standby, standby.Engine.State);
        Assert.Null(RoleOf(standby));
        Assert.Equal(InstanceState.Warm, active.Engine.State);
        var refused = Assert.Single(_events.Recorded, e => e.Type == EventTypes.Warning);
        Assert.Equal("ScaleActionFailed", refused.Reason);
        Assert.Contains("Mutate", refused.Note);
        Assert.Single(_events.Recorded, e => e.Reason == "Draining");
    }

    [Fact]
    public async Task DeletePod_removes_a_standby_pod_but_refuses_an_active_one()
    {
        var standby = await StartAsync(role: null, standby: true);
        var active = await StartAsync(InstanceRole.Prefill);

        var done = await RunAsync([Instance("chat-engine-0", standby), Instance("chat-engine-1", active)],
            new DeletePod("chat-engine-0", "standby buffer exceeded"),
            new DeletePod("chat-engine-1", "a wrong plan"));

        Assert.Equal(1, done);
        Assert.Equal(["chat-engine-0"], _pods.Deleted);
        Assert.Equal(InstanceState.Active, active.Engine.State);
        Assert.Contains(_events.Recorded, e => e.Type == EventTypes.Warning && e.Note.Contains("refusing to delete chat-engine-1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CreatePods_names_new_pods_after_the_first_free_deterministic_names()
    {
        var active = await StartAsync(InstanceRole.Prefill);

        await RunAsync([Instance("chat-engine-0", active)], new CreatePods(2, InstanceRole.Decode, "cold start"));

        Assert.Equal(["chat-engine-1", "chat-engine-2"], _pods.Created);
        Assert.Equal("PodsCreated", Assert.Single(_events.Recorded).Reason);
    }

    private async Task<MockEngineServer> StartAsync(InstanceRole? role, bool standby = false)
    {
        var engine = await MockEngineServer.StartAsync(new MockEngineOptions
        {
            Address = System.Net.IPAddress.Loopback,
            HttpPort = 0,
            ControlPort = 0,
            Role = role,
            Standby = standby,
            Profile = Profile,
            Time = _clock,
        });
        _engines.Add(engine);
        return engine;
    }

    private Task<int> RunAsync(IReadOnlyList<ObservedInstance> instances, params ScalingAction[] actions)
    {
        var fleet = new FleetObservation(instances, [], new RouterLoad(0), 0);
        var decision = new ScalingDecision(new RoleTarget(1, 1, 0), new RoleTarget(1, 1, 0), 0, actions, "test decision");
        return _executor.ExecuteAsync(TestObjects.Deployment(), TestObjects.Profile(), fleet, decision, _state, Now, CancellationToken.None);
    }

    /// <summary>An engine pod as the observer would see it: named, with the engine's control and serving addresses.</summary>
    private static ObservedInstance Instance(string name, MockEngineServer engine)
    {
        var state = engine.Engine.State;
        var role = ContractMapping.FromProto(engine.Engine.Status().Role);
        var pod = new V1Pod { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default" } };
        return new ObservedInstance(pod, engine.ControlAddress, engine.HttpAddress, new InstanceView(name, role, state, Now));
    }

    private static InstanceRole? RoleOf(MockEngineServer engine) => ContractMapping.FromProto(engine.Engine.Status().Role);

    private static async Task WaitAsync(Func<bool> condition, string what)
    {
        var until = DateTime.UtcNow + Deadline;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, $"{what} did not happen within {Deadline.TotalSeconds:F0} s");
            await Task.Delay(20);
        }
    }
}
