using Microsoft.Extensions.Time.Testing;
using Tandem.Operator.Rollouts;
using Tandem.Scaling.Lifecycle;

namespace Tandem.Operator.Tests.Rollouts;

/// <summary>
/// The rollout's pure decision: which instance is replaced next, when an outdated one leaves routing, drains and goes,
/// what the policy does not see meanwhile, and when a rollout that cannot proceed reports itself stalled.
/// </summary>
public sealed class RolloutPlannerTests
{
    private const string Old = "old0000000";
    private const string New = "new0000000";

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 2, 20, 0, 0, TimeSpan.Zero));

    private DateTimeOffset Now => _clock.GetUtcNow();

    [Fact]
    public void Nothing_happens_when_every_instance_runs_the_current_template()
    {
        var plan = RolloutPlanner.Plan([Active("a", New, InstanceRole.Prefill), Active("b", New, InstanceRole.Decode)], New, Now);

        Assert.False(plan.InProgress);
        Assert.Empty(plan.Steps);
        Assert.Empty(plan.Hidden);
        Assert.Equal("2 of 2 instances updated", plan.Progress);
    }

    [Fact]
    public void One_replacement_at_a_time_is_created_for_the_first_outdated_active_instance_and_idle_outdated_pods_go_first()
    {
        var plan = RolloutPlanner.Plan([Active("a", Old, InstanceRole.Prefill), Active("b", Old, InstanceRole.Decode), Idle("s", Old, InstanceState.Standby)], New, Now);

        Assert.Equal([new DeleteOutdated("s", null), new CreateReplacement("a", InstanceRole.Prefill)], plan.Steps);
        Assert.Empty(plan.StopRouting);
        Assert.Equal("0 of 3 instances updated", plan.Progress);
    }

    [Fact]
    public void A_replacement_that_does_not_serve_yet_is_hidden_from_the_policy_and_no_second_one_starts()
    {
        var instances = new[] { Active("a", Old, InstanceRole.Prefill), Active("b", Old, InstanceRole.Decode), Replacement("r", "a", InstanceState.Pending) };

        var plan = RolloutPlanner.Plan(instances, New, Now);

        Assert.Empty(plan.Steps);
        Assert.Equal(["r"], plan.Hidden);
        Assert.Equal("0 of 2 instances updated", plan.Progress);
        Assert.Null(plan.Stall);
    }

    [Fact]
    public void A_replacement_that_reported_is_activated_in_the_role_of_the_instance_it_replaces()
    {
        var instances = new[] { Active("a", Old, InstanceRole.Decode), Replacement("r", "a", InstanceState.Standby) };

        var plan = RolloutPlanner.Plan(instances, New, Now);

        Assert.Equal([new ActivateReplacement("r", InstanceRole.Decode, "a")], plan.Steps);
        Assert.Empty(plan.StopRouting);
    }

    [Fact]
    public void Only_once_the_replacement_serves_does_the_outdated_instance_leave_routing_and_drain_and_the_next_replacement_start()
    {
        var instances = new[] { Active("a", Old, InstanceRole.Prefill), Active("b", Old, InstanceRole.Decode), Replacement("r", "a", InstanceState.Active, InstanceRole.Prefill) };

        var plan = RolloutPlanner.Plan(instances, New, Now);

        Assert.Equal([new RetireOutdated("a", "r"), new CreateReplacement("b", InstanceRole.Decode)], plan.Steps);
        Assert.Equal(["a"], plan.StopRouting);
        Assert.Equal(["a"], plan.Hidden);
        Assert.Equal("1 of 2 instances updated", plan.Progress);
    }

    [Fact]
    public void A_draining_outdated_instance_stays_out_of_routing_and_is_deleted_once_drained()
    {
        var draining = RolloutPlanner.Plan([Idle("a", Old, InstanceState.Draining, InstanceRole.Prefill), Replacement("r", "a", InstanceState.Active, InstanceRole.Prefill)], New, Now);
        Assert.Empty(draining.Steps);
        Assert.Equal(["a"], draining.StopRouting);

        var drained = RolloutPlanner.Plan([Idle("a", Old, InstanceState.Warm), Replacement("r", "a", InstanceState.Active, InstanceRole.Prefill)], New, Now);
        Assert.Equal([new DeleteOutdated("a", "r")], drained.Steps);
        Assert.True(drained.InProgress);
    }

    [Fact]
    public void Unknown_instances_are_never_acted_on()
    {
        var plan = RolloutPlanner.Plan([Active("a", Old, InstanceRole.Prefill) with { Unknown = true }, Idle("s", Old, InstanceState.Standby) with { Unknown = true }], New, Now);

        Assert.Empty(plan.Steps);
        Assert.True(plan.InProgress);

        var retiring = RolloutPlanner.Plan([Active("a", Old, InstanceRole.Prefill) with { Unknown = true }, Replacement("r", "a", InstanceState.Active, InstanceRole.Prefill)], New, Now);
        Assert.Empty(retiring.Steps);
    }

    [Fact]
    public void When_the_policy_drained_the_outdated_instance_its_replacement_becomes_an_ordinary_pod()
    {
        var plan = RolloutPlanner.Plan([Idle("a", Old, InstanceState.Draining, InstanceRole.Prefill), Replacement("r", "a", InstanceState.Standby)], New, Now);

        Assert.Empty(plan.Hidden);
        Assert.DoesNotContain(plan.Steps, s => s is ActivateReplacement);
    }

    [Fact]
    public void A_replacement_from_a_template_that_changed_again_is_deleted_and_a_current_one_is_made()
    {
        var plan = RolloutPlanner.Plan([Active("a", Old, InstanceRole.Prefill), Replacement("r", "a", InstanceState.Standby) with { TemplateHash = "mid0000000" }], New, Now);

        Assert.Equal([new DeleteOutdated("r", null), new CreateReplacement("a", InstanceRole.Prefill)], plan.Steps);
    }

    [Fact]
    public void A_replacement_that_cannot_start_degrades_at_once_and_stalls_past_the_deadline_while_the_old_instance_keeps_serving()
    {
        var created = Now;
        var broken = Replacement("r", "a", InstanceState.Pending, created: created) with { Problem = "container engine: ImagePullBackOff" };

        var plan = RolloutPlanner.Plan([Active("a", Old, InstanceRole.Prefill), broken], New, Now);
        Assert.Equal(new RolloutStall("r", "replacement r for a cannot start: container engine: ImagePullBackOff", false), plan.Stall);
        Assert.Empty(plan.StopRouting);

        _clock.Advance(RolloutPlanner.DefaultProgressDeadline);
        plan = RolloutPlanner.Plan([Active("a", Old, InstanceRole.Prefill), broken], New, Now);
        Assert.True(plan.Stall!.PastDeadline);
        Assert.Empty(plan.StopRouting);
        Assert.DoesNotContain(plan.Steps, s => s is RetireOutdated or DeleteOutdated { Instance: "a" });
    }

    [Fact]
    public void A_replacement_that_starts_but_never_serves_stalls_only_at_the_deadline()
    {
        var slow = Replacement("r", "a", InstanceState.Loading, created: Now);

        _clock.Advance(RolloutPlanner.DefaultProgressDeadline - TimeSpan.FromSeconds(1));
        Assert.Null(RolloutPlanner.Plan([Active("a", Old, InstanceRole.Decode), slow], New, Now).Stall);

        _clock.Advance(TimeSpan.FromSeconds(1));
        var stall = RolloutPlanner.Plan([Active("a", Old, InstanceRole.Decode), slow], New, Now).Stall;
        Assert.Equal("replacement r for a has not served within 10 min (it is loading)", stall!.Message);
        Assert.True(stall.PastDeadline);
    }

    [Fact]
    public void Pods_made_before_templates_were_hashed_count_as_outdated()
    {
        var plan = RolloutPlanner.Plan([Active("a", null, InstanceRole.Prefill)], New, Now);

        Assert.Equal([new CreateReplacement("a", InstanceRole.Prefill)], plan.Steps);
    }

    private static RolloutInstance Active(string name, string? hash, InstanceRole role) => new(name, hash, InstanceState.Active, role, false, null, null);

    private static RolloutInstance Idle(string name, string? hash, InstanceState state, InstanceRole? role = null) => new(name, hash, state, role, false, null, null);

    private static RolloutInstance Replacement(string name, string replaces, InstanceState state, InstanceRole? role = null, DateTimeOffset? created = null) =>
        new(name, New, state, role, false, replaces, created);
}
