using k8s.LeaderElection;

namespace Tandem.Runtime.LeaderElection;

/// <summary>
/// Wraps the Lease lock so that every successful write naming this replica (acquire or renew) tells
/// <see cref="Leadership"/> when its request was sent and the lease's transition count: the basis of the time fence.
/// </summary>
internal sealed class FencingLeaseLock(ILock inner, Leadership leadership, TimeProvider time) : ILock
{
    public string Identity => inner.Identity;

    public Task<LeaderElectionRecord> GetAsync(CancellationToken cancellationToken = default) => inner.GetAsync(cancellationToken);

    public Task<bool> CreateAsync(LeaderElectionRecord record, CancellationToken cancellationToken = default) =>
        WriteAsync(record, inner.CreateAsync, cancellationToken);

    public Task<bool> UpdateAsync(LeaderElectionRecord record, CancellationToken cancellationToken = default) =>
        WriteAsync(record, inner.UpdateAsync, cancellationToken);

    public string Describe() => inner.Describe();

    private async Task<bool> WriteAsync(LeaderElectionRecord record, Func<LeaderElectionRecord, CancellationToken, Task<bool>> write, CancellationToken cancellationToken)
    {
        var sentAt = time.GetTimestamp();
        var ok = await write(record, cancellationToken).ConfigureAwait(false);
        if (ok && record.HolderIdentity == Identity)
        {
            leadership.Renewed(sentAt, record.LeaderTransitions);
        }

        return ok;
    }
}
