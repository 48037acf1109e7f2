using System.Threading.Channels;

namespace Tandem.Engines.Mock;

/// <summary>
/// Continuous batching, emulated: every step takes <see cref="MockEngineProfile.DecodeStep"/> of the batch size and
/// gives each running sequence one token. A sequence is admitted when its KV blocks (prompt + all output, reserved
/// up front so nothing is ever preempted) fit in the cache; until then it waits.
/// </summary>
internal sealed class DecodeBatcher
{
    private readonly MockEngineProfile _profile;
    private readonly TimeProvider _time;
    private readonly Action _changed;
    private readonly object _gate = new();
    private readonly List<Sequence> _running = [];
    private readonly Queue<Sequence> _waiting = new();
    private int _reservedBlocks;
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public DecodeBatcher(MockEngineProfile profile, TimeProvider time, Action changed)
    {
        _profile = profile;
        _time = time;
        _changed = changed;
    }

    /// <summary>Running sequences, waiting sequences and KV blocks in use (current context of each running one).</summary>
    public (int Running, int Waiting, int UsedBlocks) Snapshot()
    {
        lock (_gate)
        {
            return (_running.Count, _waiting.Count, _running.Sum(s => _profile.BlocksFor(s.Context + s.Generated)));
        }
    }

    /// <summary>Queues a sequence of <paramref name="contextTokens"/> prompt tokens for <paramref name="outputTokens"/> steps; the reader yields token indices 0..n-1.</summary>
    public ChannelReader<int> Enqueue(int contextTokens, int outputTokens, CancellationToken cancel)
    {
        var channel = Channel.CreateUnbounded<int>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var sequence = new Sequence(contextTokens, outputTokens, _profile.BlocksFor(contextTokens + outputTokens), channel.Writer, cancel);
        lock (_gate)
        {
            _waiting.Enqueue(sequence);
            Admit();
            _wake.TrySetResult();
        }

        _changed();
        return channel.Reader;
    }

    /// <summary>The step loop; runs until <paramref name="stop"/>.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        // Steps are scheduled against a running due time, so timer granularity (~1 ms) delays one step but not the
        // average: a late step makes the next one shorter.
        var due = _time.GetUtcNow();
        while (!stop.IsCancellationRequested)
        {
            Task wake;
            int batch;
            lock (_gate)
            {
                DropCancelled();
                Admit();
                batch = _running.Count;
                if (batch == 0)
                {
                    _wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }

                wake = _wake.Task;
            }

            if (batch == 0)
            {
                await wake.WaitAsync(stop).ConfigureAwait(false);
                due = _time.GetUtcNow();
                continue;
            }

            due += _profile.DecodeStep(batch);
            var wait = due - _time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, _time, stop).ConfigureAwait(false);
            }
            else
            {
                // Behind schedule (or a zero-time model): catch up, still letting readers run between steps.
                await Task.Yield();
            }
            lock (_gate)
            {
                foreach (var sequence in _running.ToArray())
                {
                    if (sequence.Cancel.IsCancellationRequested)
                    {
                        Finish(sequence);
                        continue;
                    }

                    sequence.Out.TryWrite(sequence.Generated);
                    sequence.Generated++;
                    if (sequence.Generated >= sequence.Output)
                    {
                        Finish(sequence);
                    }
                }
            }

            _changed();
        }
    }

    private void DropCancelled()
    {
        foreach (var sequence in _running.Where(s => s.Cancel.IsCancellationRequested).ToArray())
        {
            Finish(sequence);
        }

        var kept = _waiting.Where(s => !s.Cancel.IsCancellationRequested).ToArray();
        foreach (var dropped in _waiting.Where(s => s.Cancel.IsCancellationRequested))
        {
            dropped.Out.TryComplete();
        }

        _waiting.Clear();
        foreach (var sequence in kept)
        {
            _waiting.Enqueue(sequence);
        }
    }

    private void Admit()
    {
        // FIFO admission: the head waits for room rather than letting smaller sequences overtake it forever.
        while (_waiting.TryPeek(out var head) && _reservedBlocks + head.Blocks <= _profile.KvCacheBlocks)
        {
            _waiting.Dequeue();
            _reservedBlocks += head.Blocks;
            _running.Add(head);
        }
    }

    private void Finish(Sequence sequence)
    {
        _running.Remove(sequence);
        _reservedBlocks -= sequence.Blocks;
        sequence.Out.TryComplete();
    }

    private sealed class Sequence(int context, int output, int blocks, ChannelWriter<int> writer, CancellationToken cancel)
    {
        public int Context { get; } = context;
        public int Output { get; } = output;
        public int Blocks { get; } = blocks;
        public ChannelWriter<int> Out { get; } = writer;
        public CancellationToken Cancel { get; } = cancel;
        public int Generated { get; set; }
    }
}
