namespace Tandem.Engines.Clients;

/// <summary>Deadlines, retries and reconnect backoff of the operator-side control clients.</summary>
public sealed record ControlClientOptions
{
    /// <summary>Deadline of one unary call attempt.</summary>
    public TimeSpan CallDeadline { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Retries of a unary call after the first attempt (UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED).</summary>
    public int MaxRetries { get; init; } = 4;

    /// <summary>First retry delay; it doubles each retry (with jitter) up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan BaseBackoff { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(5);

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>
    /// Mutual TLS to control ports (the operator always sets it); null dials plaintext h2c (tests against standalone
    /// engines and routers started without control TLS).
    /// </summary>
    public Security.IControlCredentials? Credentials { get; init; }

    /// <summary>How often a vLLM engine's /metrics and /is_sleeping are read (vLLM has no status stream).</summary>
    public TimeSpan VllmPollInterval { get; init; } = TimeSpan.FromMilliseconds(250);
}
