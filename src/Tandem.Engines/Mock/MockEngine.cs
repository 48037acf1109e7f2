using System.Runtime.CompilerServices;
using Tandem.Engines.Contract;
using Tandem.Engines.Contract.V1;
using Tandem.Scaling.Lifecycle;
using State = Tandem.Scaling.Lifecycle.InstanceState;

namespace Tandem.Engines.Mock;

/// <summary>
/// One emulated engine instance: the lifecycle state machine (checked by <see cref="InstanceTransitions"/>), weight
/// load delays, a FIFO prefill at R tokens/s, KV handoff at T tokens/s and a continuously batched decode. Time comes
/// from a <see cref="TimeProvider"/> so tests can drive it with a fake clock.
/// </summary>
public sealed class MockEngine : IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _prefillSlot = new(1, 1);
    private readonly DecodeBatcher _decode;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _decodeLoop;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationTokenSource? _load;
    private State _state = State.Pending;
    private InstanceRole? _role;
    private bool _weightsLoaded;
    private long _queuedPromptTokens;
    private long _unmigratedTokens;
    private int _inFlight;
    private int _prefillWaiting;
    private int _prefilling;
    private long _sequence;
    private long _admitted;

    public MockEngine(MockEngineProfile profile, InstanceRole? role, bool standby, TimeProvider? time = null)
    {
        Profile = profile.Validate();
        _time = time ?? TimeProvider.System;
        _decode = new DecodeBatcher(Profile, _time, NotifyChanged);
        _decodeLoop = Task.Run(() => _decode.RunAsync(_stop.Token));
        _role = role;
        if (standby)
        {
            Move(State.Standby);
        }
        else
        {
            // Standalone, an engine starts serving like a plain engine: its initial load happened before it listened.
            Move(State.Loading);
            _weightsLoaded = true;
            Move(State.Active);
        }
    }

    public MockEngineProfile Profile { get; }

    /// <summary>Hangs the engine (no answer, token or status) until resumed: a stopped process, for reliability tests.</summary>
    public HangSwitch Hang { get; } = new();

    /// <summary>Requests (or request legs) this engine has accepted since it started.</summary>
    public long AdmittedRequests => Interlocked.Read(ref _admitted);

    public State State
    {
        get { lock (_gate) { return _state; } }
    }

    /// <summary>The current status, as the EngineControl stream reports it.</summary>
    public InstanceStatus Status()
    {
        lock (_gate)
        {
            // Read under the engine lock (the batcher never takes it while holding its own), so no request is admitted
            // between the two readings and counted twice.
            var (running, waiting, usedBlocks) = _decode.Snapshot();
            return new InstanceStatus
            {
                State = ContractMapping.ToProto(_state),
                Role = ContractMapping.ToProto(_role),
                QueuedPromptTokens = _queuedPromptTokens,
                UsedKvBlocks = usedBlocks + Profile.BlocksFor((int)Math.Min(int.MaxValue, _unmigratedTokens)),
                TotalKvBlocks = Profile.KvCacheBlocks,
                UnmigratedKvTokens = _unmigratedTokens,
                RunningRequests = running + _prefilling,
                WaitingRequests = waiting + _prefillWaiting,
                WeightsLoaded = _weightsLoaded,
                ServingAsWeightSource = false,
                KvBlockTokens = Profile.KvBlockTokens,
                Sequence = _sequence,
                ObservedAtUnixMs = _time.GetUtcNow().ToUnixTimeMilliseconds(),
            };
        }
    }

    /// <summary>The status now and after every change (at least every <paramref name="heartbeat"/>), until cancelled.</summary>
    public async IAsyncEnumerable<InstanceStatus> WatchAsync(TimeSpan heartbeat, [EnumeratorCancellation] CancellationToken cancel)
    {
        InstanceStatus? last = null;
        while (!cancel.IsCancellationRequested)
        {
            Task changed;
            lock (_gate)
            {
                changed = _changed.Task;
            }

            var status = Status();
            if (last is null || !SameContent(last, status))
            {
                last = status;
                yield return status;
            }

            using var beat = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            var timeout = Task.Delay(heartbeat, _time, beat.Token);
            var first = await Task.WhenAny(changed, timeout).ConfigureAwait(false);
            await beat.CancelAsync().ConfigureAwait(false);
            cancel.ThrowIfCancellationRequested();
            if (first == timeout)
            {
                last = null;
            }
        }
    }

    /// <summary>Starts serving <paramref name="role"/>: loads weights when not resident (the source sets the delay), cancels a drain, or revives a warm instance.</summary>
    public State Activate(InstanceRole? role, WeightSource? source)
    {
        Task? loading = null;
        CancellationTokenSource? load = null;
        lock (_gate)
        {
            switch (_state)
            {
                case State.Active:
                    _role = role;
                    break;
                case State.Loading:
                    _role = role;
                    break;
                case State.Draining or State.Warm:
                    _role = role;
                    Move(State.Active);
                    break;
                default:
                    InstanceTransitions.Ensure(_state, State.Loading);
                    load = new CancellationTokenSource();
                    _load = load;
                    // The delay is armed before the state says Loading, so a fake clock advanced on seeing Loading fires it.
                    loading = Task.Delay(LoadTime(source), _time, load.Token);
                    _role = role;
                    Move(State.Loading);
                    break;
            }
        }

        NotifyChanged();
        if (loading is not null)
        {
            _ = FinishLoadAsync(loading, load!);
        }

        return State;
    }

    /// <summary>Changes the role of an active instance in place (mutation).</summary>
    public void SetRole(InstanceRole? role)
    {
        lock (_gate)
        {
            InstanceTransitions.Ensure(_state, State.Active);
            _role = role;
        }

        NotifyChanged();
    }

    /// <summary>Stops intake; the state becomes Warm once held requests and unmigrated KV are gone. Returns requests still held.</summary>
    public int Drain()
    {
        lock (_gate)
        {
            if (_state == State.Active)
            {
                Move(State.Draining);
            }
            else if (_state is not (State.Draining or State.Warm))
            {
                throw new InvalidOperationException($"Only an Active instance can drain; this one is {_state}.");
            }

            CompleteDrainIfEmpty();
        }

        NotifyChanged();
        lock (_gate)
        {
            return _inFlight;
        }
    }

    /// <summary>Drops weights: a Warm instance (or an unfinished load) goes back to Standby.</summary>
    public State Unload()
    {
        lock (_gate)
        {
            if (_state != State.Standby)
            {
                InstanceTransitions.Ensure(_state, State.Standby);
                _load?.Cancel();
                _load = null;
                _weightsLoaded = false;
                Move(State.Standby);
            }
        }

        NotifyChanged();
        return State;
    }

    /// <summary>
    /// Runs one request and yields the index of each output token as it is produced. Throws
    /// <see cref="EngineRejectedException"/> when the instance takes no requests or the request cannot fit.
    /// </summary>
    public async IAsyncEnumerable<int> RunAsync(CompletionPhase phase, int promptTokens, int maxTokens, [EnumeratorCancellation] CancellationToken cancel)
    {
        Admit(phase, promptTokens, maxTokens);
        try
        {
            if (phase == CompletionPhase.DecodeOnly)
            {
                // Pulling the prompt's KV from the prefill instance.
                await Task.Delay(Profile.TransferTime(promptTokens), _time, cancel).ConfigureAwait(false);
                await foreach (var token in _decode.Enqueue(promptTokens, maxTokens, cancel).ReadAllAsync(cancel).ConfigureAwait(false))
                {
                    yield return token;
                }

                yield break;
            }

            await PrefillAsync(promptTokens, cancel).ConfigureAwait(false);
            if (phase == CompletionPhase.PrefillOnly)
            {
                HoldUntilPulled(promptTokens);
                yield return 0;
                yield break;
            }

            // The prefill step yields the first token; decode makes the rest.
            yield return 0;
            if (maxTokens > 1)
            {
                await foreach (var token in _decode.Enqueue(promptTokens + 1, maxTokens - 1, cancel).ReadAllAsync(cancel).ConfigureAwait(false))
                {
                    yield return token + 1;
                }
            }
        }
        finally
        {
            lock (_gate)
            {
                _inFlight--;
                CompleteDrainIfEmpty();
            }

            NotifyChanged();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _decodeLoop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The decode loop ends by cancellation.
        }

        _stop.Dispose();
        _prefillSlot.Dispose();
    }

    private void Admit(CompletionPhase phase, int promptTokens, int maxTokens)
    {
        var context = phase == CompletionPhase.PrefillOnly ? promptTokens : promptTokens + maxTokens;
        if (context > Profile.MaxModelLength)
        {
            throw new EngineRejectedException(400, "invalid_request_error",
                $"This model's maximum context length is {Profile.MaxModelLength} tokens; the request needs {promptTokens} prompt + {maxTokens} output tokens (max_tokens).", "max_tokens");
        }

        if (Profile.BlocksFor(context) > Profile.KvCacheBlocks)
        {
            throw new EngineRejectedException(400, "invalid_request_error",
                $"The request needs {Profile.BlocksFor(context)} KV blocks; this engine has {Profile.KvCacheBlocks}; lower max_tokens or the prompt.", "max_tokens");
        }

        lock (_gate)
        {
            if (_state != State.Active)
            {
                throw new EngineRejectedException(503, "service_unavailable", $"The engine is {_state.ToString().ToLowerInvariant()} and takes no new requests.");
            }

            _inFlight++;
            _admitted++;
        }

        NotifyChanged();
    }

    private async Task PrefillAsync(int promptTokens, CancellationToken cancel)
    {
        Adjust(() => { _queuedPromptTokens += promptTokens; _prefillWaiting++; });
        var entered = false;
        try
        {
            await _prefillSlot.WaitAsync(cancel).ConfigureAwait(false);
            entered = true;
            // Armed before the status says "prefilling", so a fake clock advanced on seeing it fires the delay.
            var prefill = Task.Delay(Profile.PrefillTime(promptTokens), _time, cancel);
            Adjust(() => { _prefillWaiting--; _prefilling++; });
            await prefill.ConfigureAwait(false);
        }
        finally
        {
            Adjust(() =>
            {
                _queuedPromptTokens -= promptTokens;
                if (entered)
                {
                    _prefilling--;
                }
                else
                {
                    _prefillWaiting--;
                }
            });
            if (entered)
            {
                _prefillSlot.Release();
            }
        }
    }

    /// <summary>The prefilled KV stays here, unmigrated, for the time a decode instance needs to pull it.</summary>
    private void HoldUntilPulled(int promptTokens)
    {
        Adjust(() => { _unmigratedTokens += promptTokens; _inFlight++; });
        // Armed now, before the caller sees the prefill finish, so a fake clock can fire it.
        var pulled = Task.Delay(Profile.TransferTime(promptTokens), _time, _stop.Token);
        _ = ReleaseWhenPulledAsync(pulled, promptTokens);
    }

    private async Task ReleaseWhenPulledAsync(Task pulled, int promptTokens)
    {
        try
        {
            await pulled.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Engine stopping: the KV is gone with it.
        }

        Adjust(() =>
        {
            _unmigratedTokens -= promptTokens;
            _inFlight--;
            CompleteDrainIfEmpty();
        });
    }

    private async Task FinishLoadAsync(Task loading, CancellationTokenSource load)
    {
        try
        {
            await loading.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            load.Dispose();
            return;
        }

        lock (_gate)
        {
            if (_load == load && _state == State.Loading)
            {
                _weightsLoaded = true;
                _load = null;
                Move(State.Active);
            }
        }

        load.Dispose();
        NotifyChanged();
    }

    private TimeSpan LoadTime(WeightSource? source) => source?.SourceCase switch
    {
        WeightSource.SourceOneofCase.Peer => Profile.LoadFromPeer,
        WeightSource.SourceOneofCase.HostCache => Profile.LoadFromHostCache,
        _ => Profile.LoadFromStorage,
    };

    private void CompleteDrainIfEmpty()
    {
        if (_state == State.Draining && _inFlight == 0 && _unmigratedTokens == 0)
        {
            Move(State.Warm);
        }
    }

    private void Move(State to)
    {
        InstanceTransitions.Ensure(_state, to);
        _state = to;
    }

    private void Adjust(Action change)
    {
        lock (_gate)
        {
            change();
        }

        NotifyChanged();
    }

    private void NotifyChanged()
    {
        TaskCompletionSource previous;
        lock (_gate)
        {
            previous = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _sequence++;
        }

        previous.TrySetResult();
    }

    private static bool SameContent(InstanceStatus a, InstanceStatus b)
    {
        var x = a.Clone();
        var y = b.Clone();
        x.Sequence = y.Sequence = 0;
        x.ObservedAtUnixMs = y.ObservedAtUnixMs = 0;
        return x.Equals(y);
    }
}
