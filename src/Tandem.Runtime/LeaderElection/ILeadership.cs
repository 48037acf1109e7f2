namespace Tandem.Runtime;

/// <summary>Whether this replica leads (always true when leader election is off), and a way to wait for it.</summary>
public interface ILeadership
{
    /// <summary>
    /// True while this replica holds the lease and its last successful renewal began less than the renew deadline ago,
    /// measured on this process's monotonic clock: a replica paused past that point stops acting before anyone else
    /// can have taken the lease, even though it has not yet noticed that it lost it.
    /// </summary>
    bool IsLeader { get; }

    /// <summary>This replica's identity in the lease.</summary>
    string Identity { get; }

    /// <summary>
    /// The lease's leader-transition count when this replica took it (0 with leader election off): grows with every
    /// new leader, so it fences anything a leader versions (a stale leader's versions never win over a newer one's).
    /// </summary>
    long Epoch { get; }

    /// <summary>Completes once this replica leads.</summary>
    Task WaitForLeadershipAsync(CancellationToken cancellationToken);
}
