namespace Tandem.Engines.Mock;

/// <summary>
/// Makes a mock engine hang the way a stopped process (SIGSTOP) or a wedged GPU does: connections stay open, but no
/// request is answered, no token is streamed and no status is sent until it is resumed. For reliability tests of
/// what the router and operator do about a silent engine; served as <c>POST /_mock/hang</c> and <c>/_mock/resume</c>.
/// </summary>
public sealed class HangSwitch
{
    private readonly object _gate = new();
    private TaskCompletionSource _running = Running();

    /// <summary>True between <see cref="Hang"/> and <see cref="Resume"/>.</summary>
    public bool Hung
    {
        get { lock (_gate) return !_running.Task.IsCompleted; }
    }

    public void Hang()
    {
        lock (_gate)
        {
            if (_running.Task.IsCompleted) _running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public void Resume()
    {
        lock (_gate) _running.TrySetResult();
    }

    /// <summary>Completes at once unless hung; then when resumed (or cancelled).</summary>
    public Task WhileHungAsync(CancellationToken cancel)
    {
        Task running;
        lock (_gate) running = _running.Task;
        return running.IsCompleted ? Task.CompletedTask : running.WaitAsync(cancel);
    }

    private static TaskCompletionSource Running()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        done.SetResult();
        return done;
    }
}
