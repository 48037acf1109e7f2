using Grpc.Core;
using Grpc.Net.Client;
using Polly;
using Tandem.Engines.Contract.V1;

namespace Tandem.Engines.Clients;

/// <summary>The operator's handle on the router's RouterControl: versioned membership updates and the load stream.</summary>
public sealed class RouterControlClient
{
    private readonly RouterControl.RouterControlClient _client;
    private readonly ControlClientOptions _options;
    private readonly ResiliencePipeline _retry;

    internal RouterControlClient(GrpcChannel channel, string address, ControlClientOptions options, ResiliencePipeline retry)
    {
        _client = new RouterControl.RouterControlClient(channel);
        Address = address;
        _options = options;
        _retry = retry;
    }

    public string Address { get; }

    /// <summary>Sends the whole membership at <paramref name="version"/>; safe to retry (the router ignores a version it already holds).</summary>
    public Task<SetMembershipResponse> SetMembershipAsync(long version, IEnumerable<Member> members, CancellationToken cancel = default) =>
        SetMembershipAsync(version, members, replaces: null, cancel);

    /// <summary>
    /// Sends the whole membership at <paramref name="version"/>, replacing the router's <paramref name="replaces"/> even
    /// when that is higher (a correction of a version the operator never published); safe to retry.
    /// </summary>
    public async Task<SetMembershipResponse> SetMembershipAsync(long version, IEnumerable<Member> members, long? replaces, CancellationToken cancel = default)
    {
        var request = new SetMembershipRequest { Version = version };
        if (replaces is { } held)
        {
            request.ReplacesVersion = held;
        }

        request.Instances.AddRange(members);
        return await _retry.ExecuteAsync(
            async token => await _client.SetMembershipAsync(request, new CallOptions(deadline: _options.Time.GetUtcNow().UtcDateTime + _options.CallDeadline, cancellationToken: token)).ConfigureAwait(false),
            cancel).ConfigureAwait(false);
    }

    /// <summary>The router's load, reconnecting with backoff when the stream breaks, until cancelled.</summary>
    public IAsyncEnumerable<RouterLoad> WatchLoadAsync(Action<Exception>? onError = null, CancellationToken cancel = default) =>
        ReconnectingStream.ReadAsync(c => _client.WatchLoad(new WatchLoadRequest(), cancellationToken: c), _options, onError, cancel);
}
