using Tandem.Engines.Contract;
using Tandem.Engines.Contract.V1;
using Tandem.Scaling.Lifecycle;
using State = Tandem.Scaling.Lifecycle.InstanceState;

namespace Tandem.Engines.Clients;

/// <summary>
/// The operator's control of one engine instance, whatever the engine speaks: the native EngineControl gRPC contract
/// (<see cref="EngineControlClient"/>) or an adapter that maps the same calls onto an engine's own surface (vLLM).
/// </summary>
public interface IEngineControl
{
    /// <summary>host:port the operator reaches this engine at.</summary>
    string Address { get; }

    /// <summary>Starts serving <paramref name="role"/> (null = both phases); returns the state right after (Loading or Active).</summary>
    Task<State> ActivateAsync(InstanceRole? role, WeightSource source, CancellationToken cancel = default);

    /// <summary>Changes the role of an active instance in place (mutate).</summary>
    Task SetRoleAsync(InstanceRole? role, CancellationToken cancel = default);

    /// <summary>Stops intake; work held finishes (the instance then reports Warm).</summary>
    Task DrainAsync(CancellationToken cancel = default);

    /// <summary>Releases the weights; returns the state after (Standby).</summary>
    Task<State> UnloadAsync(CancellationToken cancel = default);

    /// <summary>Observations until cancelled, reconnecting by itself when the engine's surface breaks.</summary>
    IAsyncEnumerable<EngineObservation> WatchAsync(Action<Exception>? onError = null, CancellationToken cancel = default);
}
