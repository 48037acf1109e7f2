namespace Tandem.Scaling.Simulation;

/// <summary>How the router's queue orders prompts for prefill batches.</summary>
public enum DispatchOrder
{
    /// <summary>First come, first served.</summary>
    Fifo,

    /// <summary>
    /// Earliest TTFT deadline first; a prompt that can no longer meet its deadline even alone on an idle instance is
    /// deprioritised behind every prompt that still can (served when none waits; counted, never dropped).
    /// </summary>
    Deadline,
}

/// <summary>
/// The simulator's router queue: prompts waiting for a prefill instance, taken in batches of at most MaxBatchTokens
/// (a longer prompt runs alone) in <see cref="DispatchOrder"/>.
/// </summary>
internal sealed class PrefillQueue(DispatchOrder order)
{
    private readonly LinkedList<SimRequest> fifo = new();
    private readonly SortedSet<SimRequest> onTime = new(ByDeadline.Instance);
    private readonly Queue<SimRequest> late = new();

    public int Count => order == DispatchOrder.Fifo ? fifo.Count : onTime.Count + late.Count;

    public long Tokens { get; private set; }

    /// <summary>Prompts moved behind the rest because they could no longer meet their deadline.</summary>
    public int Deprioritised { get; private set; }

    public void Add(SimRequest request)
    {
        Tokens += request.Input;
        if (order == DispatchOrder.Fifo)
        {
            fifo.AddLast(request);
        }
        else
        {
            onTime.Add(request);
        }
    }

    /// <summary>
    /// The next batch at time <paramref name="now"/>: the first prompt in order, then the following ones while they fit
    /// in <paramref name="maxTokens"/>; <paramref name="batchSeconds"/> gives a batch's prefill time from its tokens. In
    /// deadline order a prompt joins only if the batch still ends by every on-time member's deadline, so a short prompt
    /// is never held past its TTFT by long ones batched with it (prefill costs the same per token batched or not; only
    /// the batch overhead is shared).
    /// </summary>
    public List<SimRequest> TakeBatch(double now, int maxTokens, Func<int, double> batchSeconds)
    {
        var batch = new List<SimRequest>();
        var tokens = 0;
        if (order == DispatchOrder.Fifo)
        {
            while (fifo.First is { } head && (batch.Count == 0 || tokens + head.Value.Input <= maxTokens))
            {
                batch.Add(head.Value);
                tokens += head.Value.Input;
                fifo.RemoveFirst();
            }
        }
        else
        {
            while (onTime.Min is { } first && now + batchSeconds(first.Input) > first.TtftDeadline + 1e-9)
            {
                onTime.Remove(first);
                late.Enqueue(first);
                Deprioritised++;
            }

            var due = double.PositiveInfinity;
            while (onTime.Min is { } next && (batch.Count == 0
                       || (tokens + next.Input <= maxTokens && now + batchSeconds(tokens + next.Input) <= Math.Min(due, next.TtftDeadline) + 1e-9)))
            {
                batch.Add(next);
                tokens += next.Input;
                due = Math.Min(due, next.TtftDeadline);
                onTime.Remove(next);
            }

            while (late.TryPeek(out var next) && (batch.Count == 0 || (tokens + next.Input <= maxTokens && now + batchSeconds(tokens + next.Input) <= due + 1e-9)))
            {
                batch.Add(late.Dequeue());
                tokens += next.Input;
            }
        }

        Tokens -= tokens;
        return batch;
    }

    private sealed class ByDeadline : IComparer<SimRequest>
    {
        public static ByDeadline Instance { get; } = new();

        public int Compare(SimRequest? x, SimRequest? y) =>
            x!.TtftDeadline != y!.TtftDeadline ? x.TtftDeadline.CompareTo(y.TtftDeadline) : x.Seq.CompareTo(y.Seq);
    }
}
