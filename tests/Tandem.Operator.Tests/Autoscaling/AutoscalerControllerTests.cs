using Tandem.Operator.Autoscaling;
using Tandem.Runtime;
using Tandem.Scaling.Lifecycle;
using Tandem.Scaling.Policies;

namespace Tandem.Operator.Tests.Autoscaling;

/// <summary>
/// The autoscaler controller end to end over its own seams: caches and a pod store in memory, real mock engines on
/// loopback (gRPC), one of them behind a proxy that freezes like a SIGSTOPped process.
/// </summary>
public sealed class AutoscalerControllerTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_deployment_whose_engines_hang_costs_only_itself_the_other_scales_at_once_and_the_hung_tick_is_bounded()
    {
        // Long call deadlines, short tick deadline: only the tick's own deadline can end the hung calls. The tick
        // deadline leaves the healthy deployment several seconds to act first even on a loaded 2-core machine.
        await using var harness = new AutoscalerHarness(new OperatorOptions
        {
            ControlCallDeadline = TimeSpan.FromMinutes(5),
            ControlCallRetries = 0,
            TickDeadline = TimeSpan.FromSeconds(8),
            AutoscalerWorkers = 2,
        });
        var hung = harness.AddDeployment("hung");
        var healthy = harness.AddDeployment("healthy");
        var (_, proxy0, address0) = await harness.AddStandbyEngineAsync(hung, "hung-engine-0", freezable: true);
        var (_, proxy1, address1) = await harness.AddStandbyEngineAsync(hung, "hung-engine-1", freezable: true);
        var (engine0, _, _) = await harness.AddStandbyEngineAsync(healthy, "healthy-engine-0");
        var (engine1, _, _) = await harness.AddStandbyEngineAsync(healthy, "healthy-engine-1");

        // The hung deployment's engines have reported (standby), then stop answering, as a SIGSTOPped process does.
        await AutoscalerHarness.WaitAsync(() => harness.Fleet.Engine(address0) is not null && harness.Fleet.Engine(address1) is not null, Deadline, "the first status of both engines");
        proxy0!.Freeze();
        proxy1!.Freeze();
        harness.Start();

        // The healthy deployment activates one instance per role while the hung one's Activate calls are still stuck.
        await AutoscalerHarness.WaitAsync(() => engine0.Engine.State != InstanceState.Standby && engine1.Engine.State != InstanceState.Standby, Deadline, "the healthy deployment's activations");
        Assert.DoesNotContain(harness.Events.Recorded, e => e.Reason == "ScaleTickTimedOut");

        // The hung deployment's tick ends at its deadline with a warning, instead of holding a worker for minutes.
        await AutoscalerHarness.WaitAsync(() => harness.Events.Recorded.Any(e => e.Reason == "ScaleTickTimedOut"), Deadline, "the hung tick's timeout");
        var timedOut = harness.Events.Recorded.First(e => e.Reason == "ScaleTickTimedOut");
        Assert.Equal(EventTypes.Warning, timedOut.Type);
        Assert.Contains("within 8 s", timedOut.Note);
        Assert.Equal(2, harness.Events.Recorded.Count(e => e.Reason == "ScaledUp"));
        Assert.Contains(harness.Events.Recorded, e => e.Reason == "EngineNotResponding" && e.Note.Contains("hung-engine-", StringComparison.Ordinal));
        Assert.DoesNotContain(harness.Events.Recorded, e => e.Reason == "EngineNotResponding" && e.Note.Contains("healthy-engine-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_engine_whose_stream_went_quiet_is_Unknown_out_of_the_policy_never_called_and_reported_by_name_with_a_warning()
    {
        await using var harness = new AutoscalerHarness(new OperatorOptions { ControlCallDeadline = TimeSpan.FromSeconds(1), ControlCallRetries = 0 });
        var deployment = harness.AddDeployment("chat");
        var (_, proxy, address) = await harness.AddStandbyEngineAsync(deployment, "chat-engine-0", freezable: true);
        await AutoscalerHarness.WaitAsync(() => harness.Fleet.Engine(address) is not null, Deadline, "the engine's first status");

        proxy!.Freeze();
        await AutoscalerHarness.WaitAsync(() => harness.Fleet.EngineSighting(address).Freshness == StreamFreshness.Unknown, Deadline, "the frozen engine turning Unknown");

        Assert.Null(harness.Fleet.Engine(address));
        var state = harness.Store.For("default", "chat", "bounds");
        var observed = new FleetObserver(harness.Pods, harness.Fleet).Observe(deployment, state, DateTimeOffset.UtcNow);
        var instance = Assert.Single(observed.Instances);
        Assert.True(instance.Unknown);
        Assert.Equal(InstanceState.Pending, instance.View.State);

        // A tick reports it by name (the status builder's Degraded condition reads that) with one Warning.
        await harness.Reconciler.ReconcileAsync(ReconcileRequest.For(deployment), CancellationToken.None);
        Assert.Equal(["chat-engine-0"], harness.Store.Report("default", "chat")!.UnknownEngines);
        var warning = Assert.Single(harness.Events.Recorded, e => e.Reason == AutoscalerReconciler.EngineNotResponding);
        Assert.Equal(EventTypes.Warning, warning.Type);
        Assert.Contains("instance chat-engine-0", warning.Note, StringComparison.Ordinal);

        // Nor is it capacity on its way: both roles' min is cold-started, none counted as filled by the silent pod.
        var decision = harness.Store.Report("default", "chat")!.LastDecision!;
        Assert.Equal(2, decision.Actions.OfType<CreatePods>().Where(c => c.ForRole is not null).Sum(c => c.Count));
    }

    [Fact]
    public async Task No_action_and_no_write_once_the_lease_may_have_passed_to_another_replica()
    {
        await using var harness = new AutoscalerHarness();
        var deployment = harness.AddDeployment("chat");
        var (engine0, _, address0) = await harness.AddStandbyEngineAsync(deployment, "chat-engine-0");
        var (engine1, _, address1) = await harness.AddStandbyEngineAsync(deployment, "chat-engine-1");
        await AutoscalerHarness.WaitAsync(() => harness.Fleet.Engine(address0) is not null && harness.Fleet.Engine(address1) is not null, Deadline, "the engines' first status");

        harness.Leadership.Set(false);
        var result = await harness.Reconciler.ReconcileAsync(ReconcileRequest.For(deployment), CancellationToken.None);

        Assert.Equal(InstanceState.Standby, engine0.Engine.State);
        Assert.Equal(InstanceState.Standby, engine1.Engine.State);
        Assert.Empty(harness.PodClient.Patches);
        Assert.DoesNotContain(harness.Events.Recorded, e => e.Reason == "ScaledUp");
        Assert.NotNull(result.RequeueAfter);

        harness.Leadership.Set(true);
        await harness.Reconciler.ReconcileAsync(ReconcileRequest.For(deployment), CancellationToken.None);
        Assert.Equal(2, harness.Events.Recorded.Count(e => e.Reason == "ScaledUp"));
    }

    [Fact]
    public async Task A_failed_action_is_retried_on_the_deployments_backoff_not_at_the_next_interval()
    {
        await using var harness = new AutoscalerHarness(new OperatorOptions { ControlCallDeadline = TimeSpan.FromMilliseconds(300), ControlCallRetries = 0 });
        var deployment = harness.AddDeployment("chat", spec => spec.Scaling.Interval = "10m");
        var (stuck, proxy, address0) = await harness.AddStandbyEngineAsync(deployment, "chat-engine-0", freezable: true);
        var (_, _, address1) = await harness.AddStandbyEngineAsync(deployment, "chat-engine-1");
        await AutoscalerHarness.WaitAsync(() => harness.Fleet.Engine(address0) is not null && harness.Fleet.Engine(address1) is not null, Deadline, "the engines' first status");
        var key = ReconcileRequest.For(deployment);

        proxy!.Freeze();
        var failed = await harness.Reconciler.ReconcileAsync(key, CancellationToken.None);

        Assert.True(failed.Requeue);
        Assert.Null(failed.RequeueAfter);
        Assert.Contains(harness.Events.Recorded, e => e.Reason == "EngineNotResponding" && e.Note.Contains("chat-engine-0", StringComparison.Ordinal));
        Assert.Equal(["chat-engine-0"], harness.Store.Report("default", "chat")!.UnresponsiveEngines);

        // Before the 10 min interval: the retry (after the key's backoff) runs the tick again and the action goes through.
        proxy.Thaw();
        var retried = await harness.Reconciler.ReconcileAsync(key, CancellationToken.None);

        Assert.NotEqual(InstanceState.Standby, stuck.Engine.State);
        Assert.Equal(TimeSpan.FromMinutes(10), retried.RequeueAfter);
        Assert.Empty(harness.Store.Report("default", "chat")!.UnresponsiveEngines);
    }

    [Fact]
    public void Membership_versions_of_a_newer_leader_beat_any_version_a_stale_leader_computes_later()
    {
        var now = new DateTimeOffset(2026, 12, 2, 16, 0, 0, TimeSpan.Zero);
        var newLeader = MembershipVersions.Next(0, epoch: 8, now);
        var staleLast = MembershipVersions.Next(0, epoch: 7, now - TimeSpan.FromSeconds(20));
        var staleLater = MembershipVersions.Next(staleLast, epoch: 7, now + TimeSpan.FromDays(3650));

        Assert.True(newLeader > staleLater);
        Assert.Equal(8, MembershipVersions.EpochOf(newLeader));
        Assert.Equal(newLeader + 1, MembershipVersions.Next(newLeader, epoch: 8, now - TimeSpan.FromSeconds(1)));
    }
}
