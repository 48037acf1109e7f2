using System.Globalization;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Tandem.Engines.Clients;
using Tandem.Engines.Contract;
using Tandem.Engines.Contract.V1;
using Tandem.Scaling.Lifecycle;
using State = Tandem.Scaling.Lifecycle.InstanceState;

namespace Tandem.Engines.Vllm;

/// <summary>
/// The operator's control of one vLLM server through vLLM's own surface (vLLM's dev-mode endpoints, present with
/// VLLM_SERVER_DEV_MODE=1: vllm/entrypoints/serve/sleep/api_router.py at commit 09cb327f). Activate wakes a sleeping
/// engine (POST /wake_up, then POST /collective_rpc reload_weights after a level-2 sleep) and routes it; SetRole and
/// Drain change only what the router is told (kv_both lets any instance take either role); Unload puts an idle engine
/// to sleep (POST /sleep?level=1 keeps weights in host memory, level 2 drops them). Observations come from /metrics and
/// /is_sleeping, mapped by <see cref="VllmStateMapping"/>. Fast-load from a peer has no vLLM equivalent: a peer weight
/// source falls back to the next tier (wake from sleep). The intent lives here, per address, for the operator's life.
/// </summary>
public sealed class VllmEngineControl : IEngineControl
{
    private readonly HttpClient _http;
    private readonly VllmMetricsAdapter _metrics;
    private readonly TimeProvider _time;
    private readonly TimeSpan _poll;
    private readonly object _gate = new();
    private VllmIntent _intent = VllmIntent.Unrouted;
    private InstanceRole? _role;
    private EngineObservation? _last;
    private int _sleptAtLevel;

    /// <summary>A control of the vLLM server at <paramref name="address"/> (host:port of its serving port).</summary>
    public VllmEngineControl(HttpClient http, string address, int sleepLevel, TimeSpan pollInterval, TimeProvider? time = null)
    {
        _http = http;
        Address = address;
        SleepLevel = sleepLevel is 1 or 2 ? sleepLevel : throw new ArgumentOutOfRangeException(nameof(sleepLevel), "vLLM sleeps at level 1 or 2");
        _poll = pollInterval;
        _time = time ?? TimeProvider.System;
        _metrics = new VllmMetricsAdapter(http, _time);
    }

    /// <summary>host:port of the vLLM server.</summary>
    public string Address { get; }

    /// <summary>The level Unload sleeps at: 1 (host-cache: weights to host memory) or 2 (weights dropped).</summary>
    public int SleepLevel { get; set; }

    /// <summary>What the operator last asked of this instance.</summary>
    public VllmIntent Intent
    {
        get
        {
            lock (_gate)
            {
                return _intent;
            }
        }
    }

    /// <summary>
    /// Takes up what a previous operator process asked of this instance, as the pod's labels record it, so that after
    /// a restart or failover a routed instance stays active (not warm, which would empty the router's membership) and
    /// a draining one keeps draining. Only before this process has asked anything of the instance.
    /// </summary>
    public void Restore(VllmIntent intent, InstanceRole? role)
    {
        lock (_gate)
        {
            if (_intent == VllmIntent.Unrouted && _role is null && intent is VllmIntent.Routed or VllmIntent.Draining)
            {
                _intent = intent;
                _role = role;
            }
        }
    }

    /// <summary>Wakes the engine when asleep (state Loading until awake) and routes it as <paramref name="role"/>.</summary>
    public async Task<State> ActivateAsync(InstanceRole? role, WeightSource source, CancellationToken cancel = default)
    {
        var sleeping = await IsSleepingAsync(cancel).ConfigureAwait(false);
        lock (_gate)
        {
            _role = role;
            if (!sleeping)
            {
                _intent = VllmIntent.Routed;
                return State.Active;
            }

            if (_intent == VllmIntent.Waking)
            {
                return State.Loading;
            }

            _intent = VllmIntent.Waking;
        }

        // Waking takes the weights' load time; the call returns at once and the watch reports Loading until it is done.
        _ = WakeAsync();
        return State.Loading;
    }

    /// <summary>Routes the instance as <paramref name="role"/>: a membership change, no call to vLLM.</summary>
    public Task SetRoleAsync(InstanceRole? role, CancellationToken cancel = default)
    {
        lock (_gate)
        {
            if (_intent != VllmIntent.Routed)
            {
                throw new InvalidOperationException($"vLLM instance {Address} is not routed ({_intent}); only an active instance changes role");
            }

            _role = role;
        }

        return Task.CompletedTask;
    }

    /// <summary>Stops routing new work to the instance; it reports Draining until vLLM runs no request, then Warm.</summary>
    public Task DrainAsync(CancellationToken cancel = default)
    {
        lock (_gate)
        {
            if (_intent == VllmIntent.Routed)
            {
                _intent = VllmIntent.Draining;
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>Puts an idle engine to sleep at <see cref="SleepLevel"/>; refuses while vLLM still runs requests (its sleep would abort them).</summary>
    public async Task<State> UnloadAsync(CancellationToken cancel = default)
    {
        var now = await ObserveAsync(cancel).ConfigureAwait(false);
        if (now.RunningRequests + now.WaitingRequests > 0)
        {
            throw new InvalidOperationException($"vLLM instance {Address} still runs {now.RunningRequests} and queues {now.WaitingRequests} requests; it sleeps only when idle");
        }

        var level = SleepLevel;
        lock (_gate)
        {
            _intent = VllmIntent.Unrouted;
            _role = null;
        }

        using var response = await _http.PostAsync(new Uri($"http://{Address}/sleep?level={level.ToString(CultureInfo.InvariantCulture)}"), null, cancel).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        lock (_gate)
        {
            _sleptAtLevel = level;
        }

        return State.Standby;
    }

    /// <summary>Observations every poll interval until cancelled; a failed scrape is reported and retried at the next poll.</summary>
    public async IAsyncEnumerable<EngineObservation> WatchAsync(Action<Exception>? onError = null, [EnumeratorCancellation] CancellationToken cancel = default)
    {
        while (!cancel.IsCancellationRequested)
        {
            EngineObservation? observation = null;
            try
            {
                observation = await ObserveAsync(cancel).ConfigureAwait(false);
            }
            catch (Exception error) when (error is HttpRequestException or TaskCanceledException or FormatException or System.Text.Json.JsonException && !cancel.IsCancellationRequested)
            {
                onError?.Invoke(error);
            }

            if (observation is not null)
            {
                yield return observation;
            }

            try
            {
                await Task.Delay(_poll, _time, cancel).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                yield break;
            }
        }
    }

    /// <summary>One observation: /metrics and /is_sleeping, with the state the intent and vLLM's numbers give.</summary>
    public async Task<EngineObservation> ObserveAsync(CancellationToken cancel = default)
    {
        var sleeping = await IsSleepingAsync(cancel).ConfigureAwait(false);
        var scraped = await _metrics.ScrapeAsync(Address, cancel).ConfigureAwait(false);
        lock (_gate)
        {
            var state = VllmStateMapping.Derive(_intent, sleeping, scraped.RunningRequests, scraped.WaitingRequests);
            if (_intent == VllmIntent.Draining && state == State.Warm)
            {
                _intent = VllmIntent.Unrouted;
            }

            _last = scraped with
            {
                State = state,
                Role = state is State.Active or State.Draining or State.Loading ? _role : null,
                WeightsLoaded = !sleeping,
            };
            return _last;
        }
    }

    private async Task<bool> IsSleepingAsync(CancellationToken cancel)
    {
        var answer = await _http.GetFromJsonAsync<JsonObject>(new Uri($"http://{Address}/is_sleeping"), cancel).ConfigureAwait(false);
        return answer?["is_sleeping"]?.GetValue<bool>() ?? throw new FormatException($"{Address}/is_sleeping answered no is_sleeping field");
    }

    private async Task WakeAsync()
    {
        int level;
        lock (_gate)
        {
            // Not put to sleep by this process (a restart): it slept at the level this deployment sleeps at.
            level = _sleptAtLevel != 0 ? _sleptAtLevel : SleepLevel;
        }

        try
        {
            using (var woke = await _http.PostAsync(new Uri($"http://{Address}/wake_up"), null).ConfigureAwait(false))
            {
                woke.EnsureSuccessStatusCode();
            }

            if (level == 2)
            {
                // Level 2 dropped the weights; wake_up only gives the memory back (vLLM's sleep-mode docs).
                using var reload = await _http.PostAsJsonAsync(new Uri($"http://{Address}/collective_rpc"), new { method = "reload_weights" }).ConfigureAwait(false);
                reload.EnsureSuccessStatusCode();
            }

            lock (_gate)
            {
                _intent = VllmIntent.Routed;
                _sleptAtLevel = 0;
            }
        }
        catch (Exception error) when (error is HttpRequestException or TaskCanceledException)
        {
            // Not awake: it stays standby, and the autoscaler's next decision tries again.
            lock (_gate)
            {
                _intent = VllmIntent.Unrouted;
            }
        }
    }
}
