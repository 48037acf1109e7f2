using Tandem.Scaling.Lifecycle;

namespace Tandem.Scaling.Simulation;

/// <summary>One simulated engine instance (one pod): lifecycle state plus its prefill batch or decode batch.</summary>
internal sealed class SimInstance(string id, InstanceState state, InstanceRole? role, double now)
{
    public string Id { get; } = id;
    public InstanceState State { get; set; } = state;
    public InstanceRole? Role { get; set; } = role;
    public double Since { get; set; } = now;
    public double Created { get; } = now;
    public double? Deleted { get; set; }

    /// <summary>Bumped whenever a scheduled load or pod start must be ignored.</summary>
    public int Version { get; set; }

    // Prefill side: the batch in progress, and KV computed here that is not yet on a decode instance.
    public List<SimRequest>? Batch { get; set; }
    public int HeldBlocks { get; set; }
    public long UnmigratedTokens { get; set; }

    // Decode side: continuous batching.
    public List<SimRequest> Running { get; } = [];
    public int ReservedBlocks { get; set; }
    public int InboundTransfers { get; set; }
    public double TransferFreeAt { get; set; }
    public bool Stepping { get; set; }
    public double StepStart { get; set; }

    /// <summary>Loading from a peer with live-scaling: serves prefill at half speed while its weights arrive.</summary>
    public bool LiveFromPeer { get; set; }

    /// <summary>Until when a peer loads weights from this instance.</summary>
    public double WeightSourceUntil { get; set; } = double.NegativeInfinity;

    public bool Serving => State is InstanceState.Active or InstanceState.Loading;

    /// <summary>Seconds this pod spent without weights (pending or standby) before its current state.</summary>
    public double ReservedSeconds { get; private set; }

    /// <summary>Pending and standby pods hold GPUs without weights: reserved capacity, not serving capacity.</summary>
    public static bool Reserved(InstanceState state) => state is InstanceState.Pending or InstanceState.Standby;

    /// <summary>Reserved seconds up to <paramref name="end"/>, counting the current state when it is reserved.</summary>
    public double ReservedSecondsUntil(double end) =>
        ReservedSeconds + (Reserved(State) ? Math.Max(0, Math.Min(Deleted ?? end, end) - Since) : 0);

    public void MoveTo(InstanceState next, double now)
    {
        InstanceTransitions.Ensure(State, next);
        if (Reserved(State))
        {
            ReservedSeconds += now - Since;
        }

        State = next;
        Since = now;
    }
}

/// <summary>One simulated request and the times of its tokens.</summary>
internal sealed class SimRequest(double arrival, int input, int output, double ttftDeadline, int seq)
{
    /// <summary>When the first token is due (arrival + the SLO's TTFT for this prompt).</summary>
    public double TtftDeadline { get; } = ttftDeadline;

    /// <summary>Arrival order, the tie-break among equal deadlines.</summary>
    public int Seq { get; } = seq;

    public double Arrival { get; } = arrival;
    public int Input { get; } = input;
    public int Output { get; } = output;
    public List<double> Tokens { get; } = new(Math.Min(output, 4096));
    public SimInstance? PrefilledOn { get; set; }
    public int Reserved { get; set; }
    public double JoinedAt { get; set; }
    public string? Error { get; set; }
    public bool Finished { get; set; }
}
