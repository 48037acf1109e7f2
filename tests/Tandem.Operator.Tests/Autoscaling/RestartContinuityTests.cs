using Tandem.Api.V1Alpha1;
using Tandem.Operator.Autoscaling;
using Tandem.Operator.Instances;
using Tandem.Runtime;
using Tandem.Scaling.Lifecycle;

namespace Tandem.Operator.Tests.Autoscaling;

/// <summary>
/// A restarted operator (or a new leader) continues from the cluster: instance timers come from the pods' annotations,
/// and its first pass waits for the engines' status instead of treating running engines as Pending.
/// </summary>
public sealed class RestartContinuityTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task After_a_restart_the_first_pass_waits_for_engine_status_then_continues_the_timers_without_acting_twice()
    {
        await using var harness = new AutoscalerHarness();
        var deployment = harness.AddDeployment("chat");
        var engines = new List<(Tandem.Engines.Mock.MockEngineServer Engine, string Address)>();
        for (var i = 0; i < 3; i++)
        {
            var (engine, _, address) = await harness.AddStandbyEngineAsync(deployment, $"chat-engine-{i}");
            engines.Add((engine, address));
        }

        var key = ReconcileRequest.For(deployment);
        await ReconcileUntilAsync(harness, key, () => harness.Pods.List().Count(p => InstanceLabels.StateOf(p) == InstanceState.Active) == 2, "two instances labelled active");
        var standby = Assert.Single(harness.Pods.List(), p => InstanceLabels.StateOf(p) == InstanceState.Standby);
        var standbySince = InstanceAnnotations.SinceOf(standby, InstanceState.Standby);
        Assert.NotNull(standbySince);
        var scaledUp = harness.Events.Recorded.Count(e => e.Reason == "ScaledUp");
        Assert.Equal(2, scaledUp);

        await harness.RestartAsync();
        var patchesBefore = harness.PodClient.Patches.Count;
        var first = await harness.Reconciler.ReconcileAsync(key, CancellationToken.None);

        // No engine has reported to the new process yet: nothing is published, labelled or activated.
        Assert.Equal(TimeSpan.FromMilliseconds(250), first.RequeueAfter);
        Assert.Equal(patchesBefore, harness.PodClient.Patches.Count);
        Assert.Null(harness.Store.Find("default", "chat")!.LastDecision);

        await ReconcileUntilAsync(harness, key, () => harness.Store.Find("default", "chat")?.LastDecision is not null, "the first decision after the restart");
        var state = harness.Store.Find("default", "chat")!;
        Assert.Equal(standbySince, state.Seen[standby.Metadata.Name].Since);
        Assert.Equal(scaledUp, harness.Events.Recorded.Count(e => e.Reason == "ScaledUp"));
        Assert.DoesNotContain(harness.PodClient.Patches.Skip(patchesBefore), p => p.Patch.Contains("\"pending\"", StringComparison.Ordinal));
        Assert.Equal(2, harness.Pods.List().Count(p => InstanceLabels.StateOf(p) == InstanceState.Active));
    }

    [Fact]
    public async Task On_failover_the_new_leader_continues_the_timers_and_the_old_leader_does_nothing_when_it_resumes()
    {
        await using var harness = new AutoscalerHarness();
        var deployment = harness.AddDeployment("chat");
        for (var i = 0; i < 3; i++)
        {
            await harness.AddStandbyEngineAsync(deployment, $"chat-engine-{i}");
        }

        var key = ReconcileRequest.For(deployment);
        await ReconcileUntilAsync(harness, key, () => harness.Pods.List().Count(p => InstanceLabels.StateOf(p) == InstanceState.Active) == 2, "two instances labelled active");
        var standby = Assert.Single(harness.Pods.List(), p => InstanceLabels.StateOf(p) == InstanceState.Standby);
        var standbySince = InstanceAnnotations.SinceOf(standby, InstanceState.Standby);
        var oldVersion = MembershipVersions.Next(0, harness.Leadership.Epoch, DateTimeOffset.UtcNow);

        var (old, oldStore) = harness.FailOver();
        await ReconcileUntilAsync(harness, key, () => harness.Store.Find("default", "chat")?.LastDecision is not null, "the new leader's first decision");
        var patches = harness.PodClient.Patches.Count;
        var events = harness.Events.Recorded.Count;

        // The old leader resumes with a tick due (a retry was pending when it paused): it stops at the fence, before any
        // call or write.
        oldStore.Find("default", "chat")!.RetryPending = true;
        var resumed = await old.ReconcileAsync(key, CancellationToken.None);
        Assert.Equal(TimeSpan.FromSeconds(1), resumed.RequeueAfter);
        Assert.Equal(patches, harness.PodClient.Patches.Count);
        Assert.Equal(events, harness.Events.Recorded.Count);

        var state = harness.Store.Find("default", "chat")!;
        Assert.Equal(standbySince, state.Seen[standby.Metadata.Name].Since);
        Assert.Equal(2, harness.Events.Recorded.Count(e => e.Reason == "ScaledUp"));
        Assert.True(MembershipVersions.Next(0, harness.Leadership.Epoch, DateTimeOffset.UtcNow - TimeSpan.FromMinutes(1)) > MembershipVersions.Next(oldVersion, harness.Leadership.Epoch - 1, DateTimeOffset.UtcNow + TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public void A_pod_annotation_in_another_state_or_garbled_gives_no_timer()
    {
        var pod = new k8s.Models.V1Pod { Metadata = new k8s.Models.V1ObjectMeta { Name = "p", Annotations = new Dictionary<string, string>() } };
        var at = new DateTimeOffset(2026, 12, 2, 16, 0, 0, 123, TimeSpan.Zero);

        pod.Metadata.Annotations[InstanceAnnotations.StateSince] = InstanceAnnotations.FormatStateSince(InstanceState.Warm, at);
        Assert.Equal(at, InstanceAnnotations.SinceOf(pod, InstanceState.Warm));
        Assert.Null(InstanceAnnotations.SinceOf(pod, InstanceState.Standby));

        pod.Metadata.Annotations[InstanceAnnotations.StateSince] = "warm@yesterday";
        Assert.Null(InstanceAnnotations.SinceOf(pod, InstanceState.Warm));
    }

    private static async Task ReconcileUntilAsync(AutoscalerHarness harness, ReconcileRequest key, Func<bool> done, string what)
    {
        var until = DateTime.UtcNow + Deadline;
        while (!done())
        {
            Assert.True(DateTime.UtcNow < until, $"{what} did not happen within {Deadline.TotalSeconds:F0} s");
            var result = await harness.Reconciler.ReconcileAsync(key, CancellationToken.None);
            await Task.Delay(result.RequeueAfter is { } after && after < TimeSpan.FromMilliseconds(200) ? after : TimeSpan.FromMilliseconds(50));
        }
    }
}
