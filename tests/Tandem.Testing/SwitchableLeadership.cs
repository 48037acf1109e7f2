using Tandem.Runtime;

namespace Tandem.Testing;

/// <summary>Leadership the test turns on and off (on by default), with a fixed epoch.</summary>
public sealed class SwitchableLeadership : ILeadership
{
    private volatile bool _leading = true;

    public bool IsLeader => _leading;

    public string Identity => "test-replica";

    public long Epoch { get; set; } = 1;

    public void Set(bool leading) => _leading = leading;

    public Task WaitForLeadershipAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
