using Grpc.Core;
using Grpc.Net.Client;
using Polly;
using Tandem.Engines.Contract;
using Tandem.Engines.Contract.V1;
using Tandem.Scaling.Lifecycle;
using State = Tandem.Scaling.Lifecycle.InstanceState;

namespace Tandem.Engines.Clients;

/// <summary>
/// The operator's handle on one engine's EngineControl: every unary call has a deadline and is retried with backoff
/// on transient failures (all EngineControl calls are idempotent); the status stream reconnects by itself.
/// </summary>
public sealed class EngineControlClient : IEngineControl
{
    private readonly EngineControl.EngineControlClient _client;
    private readonly ControlClientOptions _options;
    private readonly ResiliencePipeline _retry;

    internal EngineControlClient(GrpcChannel channel, string address, ControlClientOptions options, ResiliencePipeline retry)
    {
        _client = new EngineControl.EngineControlClient(channel);
        Address = address;
        _options = options;
        _retry = retry;
    }

    /// <summary>host:port of the engine's control endpoint.</summary>
    public string Address { get; }

    /// <summary>Starts serving <paramref name="role"/> (null = both phases); returns the state right after (Loading or Active).</summary>
    public async Task<State> ActivateAsync(InstanceRole? role, WeightSource source, CancellationToken cancel = default)
    {
        var response = await CallAsync(o => _client.ActivateAsync(new ActivateRequest { Role = ContractMapping.ToProto(role), WeightSource = source }, o), cancel).ConfigureAwait(false);
        return ContractMapping.FromProto(response.State) ?? throw new RpcException(new Status(StatusCode.Internal, $"Activate answered state {response.State}."));
    }

    public Task SetRoleAsync(InstanceRole? role, CancellationToken cancel = default) =>
        CallAsync(o => _client.SetRoleAsync(new SetRoleRequest { Role = ContractMapping.ToProto(role) }, o), cancel);

    /// <summary>Stops intake; the answer says how many requests are still held (the status stream reaches Warm at 0).</summary>
    public Task<DrainResponse> DrainAsync(string? migrateTo, CancellationToken cancel = default) =>
        CallAsync(o => _client.DrainAsync(new DrainRequest { MigrateTo = migrateTo ?? "" }, o), cancel);

    /// <inheritdoc />
    public Task DrainAsync(CancellationToken cancel = default) => DrainAsync(migrateTo: null, cancel);

    public async Task<State> UnloadAsync(CancellationToken cancel = default)
    {
        var response = await CallAsync(o => _client.UnloadAsync(new UnloadRequest(), o), cancel).ConfigureAwait(false);
        return ContractMapping.FromProto(response.State) ?? State.Standby;
    }

    /// <summary>One observation from the Health call.</summary>
    public async Task<EngineObservation> HealthAsync(CancellationToken cancel = default)
    {
        var response = await CallAsync(o => _client.HealthAsync(new HealthRequest(), o), cancel).ConfigureAwait(false);
        return ContractMapping.ToObservation(response.Status, Address);
    }

    /// <summary>Observations from the status stream, reconnecting with backoff when it breaks, until cancelled.</summary>
    public IAsyncEnumerable<EngineObservation> WatchAsync(Action<Exception>? onError = null, CancellationToken cancel = default) =>
        ReconnectingStream.ReadAsync(c => _client.WatchStatus(new WatchStatusRequest(), cancellationToken: c), _options, onError, cancel)
            .Select(status => ContractMapping.ToObservation(status, Address));

    private async Task<T> CallAsync<T>(Func<CallOptions, AsyncUnaryCall<T>> call, CancellationToken cancel) =>
        await _retry.ExecuteAsync(
            async token => await call(new CallOptions(deadline: _options.Time.GetUtcNow().UtcDateTime + _options.CallDeadline, cancellationToken: token)).ConfigureAwait(false),
            cancel).ConfigureAwait(false);
}
