using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;
using Polly;

namespace Tandem.Engines.Clients;

/// <summary>
/// One gRPC channel (mutual TLS with <see cref="ControlClientOptions.Credentials"/>, else HTTP/2 cleartext) per pod address, shared by every call to that pod; <see cref="Remove"/>
/// disposes a pod's channel when the pod goes, so a long-running operator does not leak connections.
/// </summary>
public sealed class EngineConnectionPool(ControlClientOptions? options = null) : IDisposable
{
    private readonly ControlClientOptions _options = options ?? new ControlClientOptions();
    private readonly ConcurrentDictionary<string, Lazy<GrpcChannel>> _channels = new(StringComparer.Ordinal);
    private readonly ResiliencePipeline _retry = ControlRetry.Create(options ?? new ControlClientOptions());

    /// <summary>Addresses with an open channel.</summary>
    public IReadOnlyCollection<string> Addresses => _channels.Keys.ToArray();

    /// <summary>The EngineControl client of the engine whose control endpoint is <paramref name="address"/> (host:port).</summary>
    public EngineControlClient Engine(string address) => new(Channel(address), address, _options, _retry);

    /// <summary>The RouterControl client of the router whose control endpoint is <paramref name="address"/> (host:port).</summary>
    public RouterControlClient Router(string address) => new(Channel(address), address, _options, _retry);

    /// <summary>Closes and forgets the channel of <paramref name="address"/>; false when there was none.</summary>
    public bool Remove(string address)
    {
        if (!_channels.TryRemove(address, out var channel))
        {
            return false;
        }

        if (channel.IsValueCreated)
        {
            channel.Value.Dispose();
        }

        return true;
    }

    public void Dispose()
    {
        foreach (var address in _channels.Keys)
        {
            Remove(address);
        }
    }

    private GrpcChannel Channel(string address)
    {
        if (string.IsNullOrWhiteSpace(address) || address.Contains("://", StringComparison.Ordinal))
        {
            throw new ArgumentException($"address: '{address}' must be host:port (no scheme).", nameof(address));
        }

        var credentials = _options.Credentials;
        return _channels.GetOrAdd(address, a => new Lazy<GrpcChannel>(() => GrpcChannel.ForAddress((credentials is null ? "http://" : "https://") + a, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                EnableMultipleHttp2Connections = true,
                KeepAlivePingDelay = TimeSpan.FromSeconds(30),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
                PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
                ConnectTimeout = TimeSpan.FromSeconds(5),
                SslOptions = credentials is null ? new SslClientAuthenticationOptions() : MutualTls(credentials),
            },
        }))).Value;
    }

    /// <summary>
    /// The operator's side of control mTLS: it presents its client certificate and trusts a server only when the
    /// certificate chains to the installation's CA. Pods are dialled by IP, which no certificate names: the CA is private
    /// to the installation and issues server certificates only to its control ports, so the chain is the identity.
    /// </summary>
    private static SslClientAuthenticationOptions MutualTls(Security.IControlCredentials credentials) => new()
    {
        LocalCertificateSelectionCallback = (_, _, _, _, _) => credentials.ClientCertificate!,
        RemoteCertificateValidationCallback = Security.ControlTrust.ServerValidator(() => credentials.Authorities, TimeProvider.System),
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
    };
}
