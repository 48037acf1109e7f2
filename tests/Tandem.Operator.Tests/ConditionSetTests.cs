using Tandem.Operator.Conditions;

namespace Tandem.Operator.Tests;

public class ConditionSetTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Transition_time_changes_only_when_the_status_flips_and_generation_is_always_stamped()
    {
        var conditions = ConditionSet.Set(null, "Ready", false, "ReplicasNotReady", "0/1", 1, T0);
        conditions = ConditionSet.Set(conditions, "Ready", false, "ReplicasNotReady", "0/2", 2, T0.AddMinutes(1));

        var ready = Assert.Single(conditions);
        Assert.Equal(T0.UtcDateTime, ready.LastTransitionTime);
        Assert.Equal(("0/2", 2L), (ready.Message, ready.ObservedGeneration!.Value));

        conditions = ConditionSet.Set(conditions, "Ready", true, "AllReplicasReady", "2/2", 2, T0.AddMinutes(2));
        Assert.Equal(T0.AddMinutes(2).UtcDateTime, conditions[0].LastTransitionTime);
        Assert.True(ConditionSet.Get(conditions, "Ready"));
    }
}
