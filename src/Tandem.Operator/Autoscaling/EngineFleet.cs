using Microsoft.Extensions.Logging;
using Tandem.Engines.Clients;
using Tandem.Engines.Contract;
using Tandem.Engines.Contract.V1;
using Tandem.Engines.Vllm;

namespace Tandem.Operator.Autoscaling;

/// <summary>
/// The operator's connections to engines and routers: one gRPC channel per pod address, the latest status of every
/// engine and the latest load of every router from their streams. Addresses of pods that went away are released.
/// A stream that broke or went quiet past <see cref="DefaultStaleAfter"/> makes its engine Unknown, never "as last seen".
/// </summary>
public sealed class EngineFleet : IAsyncDisposable
{
    private readonly EngineConnectionPool _pool;
    private readonly VllmEngines _vllm;
    private readonly StreamWatchers<EngineObservation> _engines;
    private readonly StreamWatchers<RouterLoad> _routers;

    /// <summary>Engines and routers send a status at least every 2 s; three missed heartbeats make one Unknown.</summary>
    public static readonly TimeSpan DefaultStaleAfter = TimeSpan.FromSeconds(6);

    public EngineFleet(ControlClientOptions options, ILogger<EngineFleet> logger, TimeSpan? staleAfter = null)
    {
        _pool = new EngineConnectionPool(options);
        _vllm = new VllmEngines(new HttpClient { Timeout = options.CallDeadline }, options.VllmPollInterval, options.Time);
        var stale = staleAfter ?? DefaultStaleAfter;
        _engines = new StreamWatchers<EngineObservation>((address, onError, ct) => EngineClient(address).WatchAsync(onError, ct), stale, options.Time, logger);
        _routers = new StreamWatchers<RouterLoad>((address, onError, ct) => _pool.Router(address).WatchLoadAsync(onError, ct), stale, options.Time, logger);
    }

    /// <summary>The current status of the engine whose control endpoint is <paramref name="address"/> (watching starts on first ask); null unless fresh.</summary>
    public EngineObservation? Engine(string address) => _engines.Latest(address);

    /// <summary>What is known of the engine at <paramref name="address"/>: its latest status and whether it is current.</summary>
    public StreamSighting<EngineObservation> EngineSighting(string address) => _engines.Sighting(address);

    /// <summary>The latest load of the router whose control endpoint is <paramref name="address"/>.</summary>
    public RouterLoad? Router(string address) => _routers.Latest(address);

    /// <summary>A control client for an engine: the vLLM adapter for an address declared by <see cref="UseVllm"/>, else native gRPC.</summary>
    public IEngineControl EngineClient(string address) => _vllm.Find(address) ?? (IEngineControl)_pool.Engine(address);

    /// <summary>Declares <paramref name="address"/> a vLLM engine (engine.adapter vllm) whose standby tier sleeps at <paramref name="sleepLevel"/>.</summary>
    public void UseVllm(string address, int sleepLevel, (VllmIntent, Tandem.Scaling.Lifecycle.InstanceRole?)? recorded = null) => _vllm.Use(address, sleepLevel, recorded);

    /// <summary>A control client for a router.</summary>
    public RouterControlClient RouterClient(string address) => _pool.Router(address);

    /// <summary>Closes streams and channels of every address not in <paramref name="live"/>.</summary>
    /// <summary>The least time between two sweeps of connections to pods that went away (a deployment's removal sweeps at once).</summary>
    public static readonly TimeSpan SweepPeriod = TimeSpan.FromSeconds(5);

    private long _nextSweepTicks;

    /// <summary>True for one caller once <see cref="SweepPeriod"/> has passed since the last sweep that this returned true for.</summary>
    public bool SweepDue(DateTimeOffset now)
    {
        var next = Interlocked.Read(ref _nextSweepTicks);
        return now.UtcTicks >= next && Interlocked.CompareExchange(ref _nextSweepTicks, now.UtcTicks + SweepPeriod.Ticks, next) == next;
    }

    public void Retain(IReadOnlySet<string> live)
    {
        foreach (var gone in _engines.Retain(live).Concat(_routers.Retain(live)).Distinct())
        {
            _pool.Remove(gone);
        }

        foreach (var address in _pool.Addresses.Where(a => !live.Contains(a)))
        {
            _pool.Remove(address);
        }

        _vllm.Retain(live);
    }

    public async ValueTask DisposeAsync()
    {
        await _engines.DisposeAsync().ConfigureAwait(false);
        await _routers.DisposeAsync().ConfigureAwait(false);
        _pool.Dispose();
        _vllm.Dispose();
    }
}
