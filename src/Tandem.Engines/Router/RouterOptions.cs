using System.Net;
using Tandem.Api.V1Alpha1;

namespace Tandem.Engines.Router;

/// <summary>How to run the P/D router: where it listens, how it picks instances, and its static membership if any.</summary>
public sealed record RouterOptions
{
    public IPAddress Address { get; init; } = IPAddress.Loopback;

    /// <summary>OpenAI HTTP/1.1 port; 0 picks a free one.</summary>
    public int HttpPort { get; init; } = DefaultPorts.RouterHttp;

    /// <summary>RouterControl gRPC port (h2c); 0 picks a free one.</summary>
    public int ControlPort { get; init; } = DefaultPorts.RouterControl;

    /// <summary>
    /// Directory of the control port's TLS Secret (ca.crt, tls.crt, tls.key): the control port then takes only the
    /// operator's client certificate. Null serves plaintext h2c (standalone use on a trusted host).
    /// </summary>
    public string? ControlTlsDirectory { get; init; }

    public SelectionPolicy Policy { get; init; } = SelectionPolicy.RoundRobin;

    /// <summary>Seed of the random policy (tests pin it).</summary>
    public int? Seed { get; init; }

    /// <summary>Membership applied at start as version 0 (<c>--instances</c>); the operator's SetMembership replaces it.</summary>
    public IReadOnlyList<RouterMember> StaticMembers { get; init; } = [];

    /// <summary>How long a request waits in the router's queue for an instance before it fails with 503.</summary>
    public TimeSpan QueueTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Dispatches per request (first try plus re-dispatches after an instance failed or left).</summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>
    /// The longest an engine may go without answering a leg: until the response headers and the prefill result, and
    /// between two lines of a streamed decode. An engine silent for longer is treated as failed and what it held is
    /// re-dispatched (a hung engine never holds a client forever).
    /// </summary>
    public TimeSpan EngineSilenceTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>WatchLoad sends a message at least this often.</summary>
    public TimeSpan LoadHeartbeat { get; init; } = TimeSpan.FromSeconds(2);

    public TimeProvider Time { get; init; } = TimeProvider.System;

    public bool ConsoleLogging { get; init; }
}
