namespace Tandem.Runtime;

/// <summary>Whether this replica leads (always true when leader election is off), and a way to wait for it.</summary>
public interface ILeadership
{
    bool IsLeader { get; }

    /// <summary>This replica's identity in the lease.</summary>
    string Identity { get; }

    /// <summary>Completes once this replica leads.</summary>
    Task WaitForLeadershipAsync(CancellationToken cancellationToken);
}
