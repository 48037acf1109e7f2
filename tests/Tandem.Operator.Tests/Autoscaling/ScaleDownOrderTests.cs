using System.Net;
using System.Net.Sockets;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Prometheus;
using Tandem.Api.V1Alpha1;
using Tandem.Engines.Router;
using Tandem.Operator.Autoscaling;
using Tandem.Operator.Instances;
using Tandem.Scaling.Lifecycle;

namespace Tandem.Operator.Tests.Autoscaling;

/// <summary>The tick's removal order with a real router and real mock engines: stop routing to an instance, then drain it.</summary>
public sealed class ScaleDownOrderTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_scale_down_publishes_router_membership_without_the_instance_before_Drain_reaches_its_engine()
    {
        // Long call deadlines: a Drain held by a frozen proxy waits for the thaw instead of failing.
        await using var harness = new AutoscalerHarness(new OperatorOptions { ControlCallDeadline = TimeSpan.FromSeconds(30), ControlCallRetries = 0 });
        var routerIp = IPAddress.Parse("127.0.0.250");
        var deployment = harness.AddDeployment("chat", spec =>
        {
            spec.Scaling.Policy = ScalingPolicyName.Static;
            spec.Scaling.Prefill = new RoleScaling { Min = 1, Max = 1 };
            spec.Scaling.Decode = new RoleScaling { Min = 1, Max = 2 };
            spec.Router.ControlPort = FreePort(routerIp);
        });
        var engines = new Dictionary<string, (Tandem.Engines.Mock.MockEngineServer Server, FreezableProxy Proxy, string Address)>(StringComparer.Ordinal);
        for (var i = 0; i < 3; i++)
        {
            var (server, proxy, address) = await harness.AddStandbyEngineAsync(deployment, $"chat-engine-{i}", freezable: true);
            engines[$"chat-engine-{i}"] = (server, proxy!, address);
        }

        await using var router = await RouterServer.StartAsync(new RouterOptions { Address = routerIp, HttpPort = 0, ControlPort = deployment.Spec.Router.ControlPort });
        harness.Pods.Upsert(new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "chat-router-0", NamespaceProperty = "default", Labels = InstanceLabels.ForDeployment(deployment, InstanceLabels.Components.Router), Uid = "router-uid" },
            Status = new V1PodStatus { Phase = "Running", PodIP = routerIp.ToString() },
        });
        await AutoscalerHarness.WaitAsync(() => engines.Values.All(e => harness.Fleet.Engine(e.Address) is not null), Deadline, "the engines' first status");

        var (scaler, observer) = Scaler(harness);
        var state = new DeploymentScalingState("static");
        var profile = harness.Profiles.List().Single();

        // One prefill and two decode instances serve, and the router routes to all three.
        await scaler.TickAsync(deployment, profile, state, DateTimeOffset.UtcNow, CancellationToken.None);
        await AutoscalerHarness.WaitAsync(() => observer.Observe(deployment, state, DateTimeOffset.UtcNow).Instances.Count(i => i.View.State == InstanceState.Active) == 3, Deadline, "three active instances");
        await scaler.TickAsync(deployment, profile, state, DateTimeOffset.UtcNow, CancellationToken.None);
        Assert.Equal(3, router.Members.Members.Count(m => m.State == InstanceState.Active));

        // Decode max 2 -> 1. Every engine is frozen, so a Drain call cannot reach its engine until the thaw.
        var smaller = TestObjects.Deployment("chat", spec =>
        {
            spec.Engine.Ports.Control = harness.ControlPort;
            spec.Scaling.Policy = ScalingPolicyName.Static;
            spec.Scaling.Prefill = new RoleScaling { Min = 1, Max = 1 };
            spec.Scaling.Decode = new RoleScaling { Min = 1, Max = 1 };
            spec.Router.ControlPort = deployment.Spec.Router.ControlPort;
        });
        smaller.Metadata.Uid = deployment.Metadata.Uid;
        smaller.Metadata.Generation = deployment.Metadata.Generation + 1;
        foreach (var engine in engines.Values)
        {
            engine.Proxy.Freeze();
        }

        var tick = scaler.TickAsync(smaller, profile, state, DateTimeOffset.UtcNow, CancellationToken.None);
        await AutoscalerHarness.WaitAsync(() => router.Members.Members.Any(m => m.State != InstanceState.Active) || tick.IsCompleted, Deadline, "the router's membership without the instance");
        var removed = Assert.Single(router.Members.Members, m => m.State != InstanceState.Active);

        // The router stopped routing to it while its engine was still serving: Drain had not reached it yet.
        Assert.False(router.Members.Members.Single(m => m.Id == removed.Id).TakesDecode);
        Assert.Equal(InstanceState.Active, engines[removed.Id].Server.Engine.State);
        Assert.False(tick.IsCompleted);

        foreach (var engine in engines.Values)
        {
            engine.Proxy.Thaw();
        }

        var outcome = await tick;
        Assert.Equal(0, outcome.Actions.Failed);
        Assert.NotEqual(InstanceState.Active, engines[removed.Id].Server.Engine.State);
        Assert.Equal(2, engines.Values.Count(e => e.Server.Engine.State == InstanceState.Active));
    }

    /// <summary>The tick as the harness wires it, called directly so the test decides when each tick runs.</summary>
    private static (DeploymentScaler Scaler, FleetObserver Observer) Scaler(AutoscalerHarness harness)
    {
        var metrics = new AutoscalerMetrics(new CollectorRegistry());
        var fence = new LeaderFence(harness.Leadership);
        var observer = new FleetObserver(harness.Pods, harness.Fleet);
        var scaler = new DeploymentScaler(
            observer,
            new ActionExecutor(harness.Fleet, harness.PodClient, harness.Events, metrics, NullLogger<ActionExecutor>.Instance, fence),
            new MembershipPublisher(harness.Fleet, NullLogger<MembershipPublisher>.Instance, fence),
            new RolloutExecutor(harness.Fleet, harness.PodClient, harness.Events, NullLogger<RolloutExecutor>.Instance, fence),
            harness.Pools, new NoCallsClient<EnginePool>(), harness.PodClient, metrics, NullLogger<DeploymentScaler>.Instance, fence);
        return (scaler, observer);
    }

    private static int FreePort(IPAddress address)
    {
        using var probe = new TcpListener(address, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
