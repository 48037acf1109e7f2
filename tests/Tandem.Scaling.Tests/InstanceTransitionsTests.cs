using Tandem.Scaling.Lifecycle;

namespace Tandem.Scaling.Tests;

public class InstanceTransitionsTests
{
    [Theory]
    [InlineData(InstanceState.Standby, InstanceState.Loading)]
    [InlineData(InstanceState.Draining, InstanceState.Active)]
    [InlineData(InstanceState.Warm, InstanceState.Standby)]
    public void Lifecycle_allows_the_documented_changes(InstanceState from, InstanceState to) =>
        Assert.True(InstanceTransitions.IsAllowed(from, to));

    [Theory]
    [InlineData(InstanceState.Standby, InstanceState.Active)]
    [InlineData(InstanceState.Active, InstanceState.Warm)]
    [InlineData(InstanceState.Draining, InstanceState.Standby)]
    public void Lifecycle_refuses_shortcuts_with_a_message_naming_both_states(InstanceState from, InstanceState to)
    {
        var error = Assert.Throws<InvalidOperationException>(() => InstanceTransitions.Ensure(from, to));
        Assert.Contains(from.ToString(), error.Message);
        Assert.Contains(to.ToString(), error.Message);
    }

    [Fact]
    public void Active_draining_and_loading_instances_protect_their_pods()
    {
        Assert.True(InstanceTransitions.ProtectsPod(InstanceState.Active));
        Assert.True(InstanceTransitions.ProtectsPod(InstanceState.Draining));
        Assert.False(InstanceTransitions.ProtectsPod(InstanceState.Standby));
    }
}
