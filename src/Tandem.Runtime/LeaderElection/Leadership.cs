using Microsoft.Extensions.Options;

namespace Tandem.Runtime.LeaderElection;

/// <summary>
/// The process's leadership state, set by the leader election service. Leadership is fenced by time: each successful
/// renewal is valid for the renew deadline from the moment its request was sent (the lease cannot pass to another
/// replica before the lease duration, which is longer), so <see cref="IsLeader"/> turns false on its own when renewals
/// stop, for instance while the process is paused.
/// </summary>
internal sealed class Leadership(IOptions<RuntimeOptions> options, TimeProvider time) : ILeadership
{
    private readonly object _gate = new();
    private readonly LeaderElectionOptions _election = options.Value.LeaderElection;
    private TaskCompletionSource _leading = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long? _renewStarted;
    private long _epoch;

    public string Identity { get; } = options.Value.LeaderElection.Identity is { Length: > 0 } id
        ? id
        : $"{Environment.MachineName}_{Guid.NewGuid():N}";

    public bool IsLeader
    {
        get
        {
            lock (_gate)
            {
                return _leading.Task.IsCompleted && (!_election.Enabled || _renewStarted is { } started && time.GetElapsedTime(started) < _election.RenewDeadline);
            }
        }
    }

    public long Epoch
    {
        get { lock (_gate) return _epoch; }
    }

    public Task WaitForLeadershipAsync(CancellationToken cancellationToken)
    {
        lock (_gate) return _leading.Task.WaitAsync(cancellationToken);
    }

    public void Set(bool leading)
    {
        lock (_gate)
        {
            if (leading) _leading.TrySetResult();
            else if (_leading.Task.IsCompleted) _leading = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>A write of the lease naming this replica, sent at <paramref name="sentAt"/> (a <see cref="TimeProvider"/> timestamp), succeeded.</summary>
    public void Renewed(long sentAt, long leaderTransitions)
    {
        lock (_gate)
        {
            _renewStarted = _renewStarted is { } previous && previous > sentAt ? previous : sentAt;
            _epoch = leaderTransitions;
        }
    }
}
