using k8s.Models;
using Tandem.Api.V1Alpha1;
using Tandem.Operator.Autoscaling;
using Tandem.Operator.Conditions;
using Tandem.Operator.Deployments;
using Tandem.Operator.Rollouts;
using Tandem.Scaling.Lifecycle;
using Tandem.Runtime.Cache;

namespace Tandem.Operator.Tests;

/// <summary>The status builder's conditions from the autoscaler's report: engines that do not answer, and kstatus.</summary>
public sealed class DeploymentStatusBuilderTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 2, 18, 0, 0, TimeSpan.Zero);

    private readonly ObjectCache<V1Pod> _pods = new();
    private readonly ObjectCache<EnginePool> _pools = new();
    private readonly InferenceDeployment _deployment = TestObjects.Deployment();

    [Fact]
    public void Engines_that_do_not_answer_make_the_deployment_Degraded_by_name_until_they_answer_again()
    {
        var silent = new ScalingReport { UnknownEngines = ["chat-engine-2"], UnresponsiveEngines = ["chat-engine-0", "chat-engine-2"] };

        Build(silent, Start);

        var degraded = Condition(ConditionTypes.Degraded);
        Assert.Equal("True", degraded.Status);
        Assert.Equal(ConditionTypes.Reasons.EnginesNotResponding, degraded.Reason);
        Assert.Equal("2 engine(s) not responding: chat-engine-0, chat-engine-2", degraded.Message);
        // Engines that may come back never stall the deployment: kstatus keeps it Reconciling.
        Assert.Equal("False", Condition(ConditionTypes.Stalled).Status);
        Assert.Equal("True", Condition(ConditionTypes.Reconciling).Status);

        Build(new ScalingReport(), Start + TimeSpan.FromMinutes(1));

        degraded = Condition(ConditionTypes.Degraded);
        Assert.Equal("False", degraded.Status);
        Assert.Equal(ConditionTypes.Reasons.AllReplicasReady, degraded.Reason);
        Assert.Equal((Start + TimeSpan.FromMinutes(1)).UtcDateTime, degraded.LastTransitionTime);
    }

    [Fact]
    public void A_router_found_ahead_of_the_operators_membership_makes_the_deployment_Degraded_for_a_while_after_the_correction()
    {
        var report = new ScalingReport { RouterAhead = ("router pod chat-router-x held membership version 9223372036854775807 ... which the operator never published; the operator replaced it", Start) };

        Build(report, Start);
        var degraded = Condition(ConditionTypes.Degraded);
        Assert.Equal(("True", ConditionTypes.Reasons.RouterMembershipAhead), (degraded.Status, degraded.Reason));
        Assert.Contains("chat-router-x", degraded.Message);

        Build(report, Start + ConditionTypes.RouterAheadShownFor);
        Assert.Equal("False", Condition(ConditionTypes.Degraded).Status);
    }

    [Fact]
    public void Capacity_outranks_silent_engines_and_stalls_only_StallAfter_past_when_capacity_became_the_problem()
    {
        Build(new ScalingReport { UnknownEngines = ["chat-engine-1"] }, Start);
        var capacityFrom = Start + TimeSpan.FromMinutes(10);

        Build(new ScalingReport { UnknownEngines = ["chat-engine-1"], UnschedulablePods = 2 }, capacityFrom);

        var degraded = Condition(ConditionTypes.Degraded);
        Assert.Equal(ConditionTypes.Reasons.InsufficientCapacity, degraded.Reason);
        Assert.Contains("2 engine pod(s) cannot be scheduled", degraded.Message, StringComparison.Ordinal);
        Assert.Contains("1 engine(s) not responding: chat-engine-1", degraded.Message, StringComparison.Ordinal);
        Assert.Equal("False", Condition(ConditionTypes.Stalled).Status);

        Build(new ScalingReport { UnschedulablePods = 2 }, capacityFrom + ConditionTypes.StallAfter - TimeSpan.FromSeconds(1));
        Assert.Equal("False", Condition(ConditionTypes.Stalled).Status);

        Build(new ScalingReport { UnschedulablePods = 2 }, capacityFrom + ConditionTypes.StallAfter);
        Assert.Equal("True", Condition(ConditionTypes.Stalled).Status);
        Assert.Equal("False", Condition(ConditionTypes.Reconciling).Status);
    }

    [Fact]
    public void A_rollout_in_progress_is_Progressing_and_Reconciling_with_reason_RollingOut_and_its_progress()
    {
        var rollout = RolloutPlanner.Plan(
            [new RolloutInstance("chat-engine-0", "new", InstanceState.Active, InstanceRole.Prefill, false, null, null),
             new RolloutInstance("chat-engine-1", "old", InstanceState.Active, InstanceRole.Decode, false, null, null)], "new", Start);

        Build(new ScalingReport { Rollout = rollout }, Start);

        var progressing = Condition(ConditionTypes.Progressing);
        Assert.Equal(("True", ConditionTypes.Reasons.RollingOut), (progressing.Status, progressing.Reason));
        Assert.Equal("rolling out a new engine pod template: 1 of 2 instances updated", progressing.Message);
        Assert.Equal(ConditionTypes.Reasons.RollingOut, Condition(ConditionTypes.Reconciling).Reason);
        Assert.Equal("False", Condition(ConditionTypes.Degraded).Status);
    }

    [Fact]
    public void A_rollout_that_cannot_proceed_is_Degraded_at_once_and_Stalled_past_its_deadline()
    {
        RolloutPlan Plan(bool pastDeadline) => RolloutPlan.Idle with { Outdated = 1, Total = 1, Stall = new RolloutStall("chat-engine-3", "replacement chat-engine-3 for chat-engine-0 cannot start: ImagePullBackOff", pastDeadline) };

        Build(new ScalingReport { Rollout = Plan(false) }, Start);
        var degraded = Condition(ConditionTypes.Degraded);
        Assert.Equal(("True", ConditionTypes.Reasons.RolloutStalled), (degraded.Status, degraded.Reason));
        Assert.Contains("the outdated instances keep serving", degraded.Message, StringComparison.Ordinal);
        Assert.Equal("False", Condition(ConditionTypes.Stalled).Status);

        Build(new ScalingReport { Rollout = Plan(true) }, Start + RolloutPlanner.DefaultProgressDeadline);
        var stalled = Condition(ConditionTypes.Stalled);
        Assert.Equal(("True", ConditionTypes.Reasons.RolloutStalled), (stalled.Status, stalled.Reason));
        Assert.Equal("False", Condition(ConditionTypes.Reconciling).Status);
    }

    [Fact]
    public void An_active_pod_whose_engine_does_not_answer_is_not_counted_ready()
    {
        foreach (var (name, role) in new[] { ("chat-engine-0", "prefill"), ("chat-engine-1", "decode") })
        {
            _pods.Upsert(new V1Pod
            {
                Metadata = new V1ObjectMeta
                {
                    Name = name, NamespaceProperty = "default",
                    Labels = new Dictionary<string, string>
                    {
                        [WellKnownLabels.Deployment] = "chat", [WellKnownLabels.Component] = "engine", [WellKnownLabels.Role] = role, [WellKnownLabels.State] = "active",
                    },
                },
                Status = new V1PodStatus { Conditions = [new V1PodCondition { Type = "Ready", Status = "True" }] },
            });
        }

        Build(new ScalingReport { UnknownEngines = ["chat-engine-1"] }, Start);

        Assert.Equal((1, 0), (_deployment.Status!.Prefill!.ReadyReplicas, _deployment.Status.Decode!.ReadyReplicas));
        Assert.Equal("False", Condition(ConditionTypes.Ready).Status);
    }

    private void Build(ScalingReport report, DateTimeOffset now) =>
        _deployment.Status = DeploymentStatusBuilder.Build(_deployment, _pods, _pools, report, now);

    private V1Condition Condition(string type) => Assert.Single(_deployment.Status!.Conditions!, c => c.Type == type);
}
