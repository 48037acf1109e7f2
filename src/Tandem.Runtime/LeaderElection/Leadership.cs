using Microsoft.Extensions.Options;

namespace Tandem.Runtime.LeaderElection;

/// <summary>The process's leadership state, set by the leader election service.</summary>
internal sealed class Leadership(IOptions<RuntimeOptions> options) : ILeadership
{
    private readonly object _gate = new();
    private TaskCompletionSource _leading = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Identity { get; } = options.Value.LeaderElection.Identity is { Length: > 0 } id
        ? id
        : $"{Environment.MachineName}_{Guid.NewGuid():N}";

    public bool IsLeader
    {
        get { lock (_gate) return _leading.Task.IsCompleted; }
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
}
