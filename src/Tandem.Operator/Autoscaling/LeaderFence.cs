using Tandem.Runtime;

namespace Tandem.Operator.Autoscaling;

/// <summary>Thrown instead of acting when this replica may no longer hold the lease: the tick stops where it is.</summary>
public sealed class LeadershipLostException(string what) : Exception($"not acting ({what}): this replica may no longer hold the lease");

/// <summary>
/// The autoscaler's guard before every write to the cluster and every call to an engine or a router: the lease's last
/// renewal must be recent enough that no other replica can hold it yet (<see cref="ILeadership.IsLeader"/>).
/// </summary>
public sealed class LeaderFence(ILeadership leadership)
{
    /// <summary>The lease epoch: it orders router membership versions across leaders.</summary>
    public long Epoch => leadership.Epoch;

    /// <summary>Throws <see cref="LeadershipLostException"/> unless this replica surely leads right now.</summary>
    public void Check(string what)
    {
        if (!leadership.IsLeader)
        {
            throw new LeadershipLostException(what);
        }
    }
}
