using System.Net;
using Tandem.Api.V1Alpha1;
using Tandem.Scaling.Lifecycle;

namespace Tandem.Engines.Mock;

/// <summary>How to run one mock engine: where it listens, which model numbers it emulates, and how it starts.</summary>
public sealed record MockEngineOptions
{
    /// <summary>The IP both endpoints bind to (an emulated pod's 127.x.y.z in the API emulator).</summary>
    public IPAddress Address { get; init; } = IPAddress.Loopback;

    /// <summary>OpenAI HTTP/1.1 port (<c>/v1/completions</c>, <c>/metrics</c>, <c>/health</c>); 0 picks a free one.</summary>
    public int HttpPort { get; init; } = DefaultPorts.EngineHttp;

    /// <summary>EngineControl gRPC port (h2c); 0 picks a free one.</summary>
    public int ControlPort { get; init; } = DefaultPorts.EngineControl;

    /// <summary>
    /// Directory of the control port's TLS Secret (ca.crt, tls.crt, tls.key): the control port then takes only the
    /// operator's client certificate. Null serves plaintext h2c (standalone use on a trusted host).
    /// </summary>
    public string? ControlTlsDirectory { get; init; }

    public MockEngineProfile Profile { get; init; } = MockEngineProfile.Seeds["llama3-8b"];

    /// <summary>Initial role; null serves both phases like a plain engine.</summary>
    public InstanceRole? Role { get; init; }

    /// <summary>Start without weights (Standby) and wait for Activate, as under the operator.</summary>
    public bool Standby { get; init; }

    /// <summary>Model name reported in responses and metric labels; defaults to the profile name.</summary>
    public string? ModelName { get; init; }

    /// <summary>The status stream repeats the status at least this often.</summary>
    public TimeSpan StatusHeartbeat { get; init; } = TimeSpan.FromSeconds(2);

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Write ASP.NET Core logs (warnings and up) to the console; off in tests.</summary>
    public bool ConsoleLogging { get; init; }
}
