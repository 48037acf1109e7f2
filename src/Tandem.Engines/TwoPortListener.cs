using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Tandem.Engines.Security;

namespace Tandem.Engines;

/// <summary>
/// The listening shape of the mock engine and the router: an HTTP/1.1 port (OpenAI API, metrics, health) and an h2c
/// gRPC port (control), both on one address; after start it tells the ports Kestrel really bound (for port 0). With
/// control TLS the control port speaks TLS and accepts only the operator's client certificate (mutual TLS).
/// </summary>
public sealed class TwoPortListener
{
    private readonly IPAddress _address;
    private ListenOptions? _http;
    private ListenOptions? _control;

    private TwoPortListener(IPAddress address) => _address = address;

    /// <summary>Configures <paramref name="builder"/>'s Kestrel to listen on both ports.</summary>
    public static TwoPortListener Configure(WebApplicationBuilder builder, IPAddress address, int httpPort, int controlPort, ControlTlsFiles? controlTls = null)
    {
        var listener = new TwoPortListener(address);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(address, httpPort, o => { o.Protocols = HttpProtocols.Http1; listener._http = o; });
            kestrel.Listen(address, controlPort, o =>
            {
                o.Protocols = HttpProtocols.Http2;
                if (controlTls is not null)
                {
                    o.UseHttps(MutualTls(controlTls));
                }

                listener._control = o;
            });
        });
        return listener;
    }

    // Certificates are real and checked against the real clock, whatever clock the server runs on.
    private static HttpsConnectionAdapterOptions MutualTls(ControlTlsFiles files) => new()
    {
        ServerCertificateSelector = (_, _) => files.Certificate,
        ClientCertificateMode = ClientCertificateMode.RequireCertificate,
        ClientCertificateValidation = (certificate, _, _) => ControlTrust.IsOperator(certificate, files.Authorities, TimeProvider.System.GetUtcNow()),
        CheckCertificateRevocation = false,
    };

    /// <summary>host:port of the HTTP endpoint, once the application has started.</summary>
    public string HttpAddress => Format(_address, Bound(_http));

    /// <summary>host:port of the gRPC control endpoint, once the application has started.</summary>
    public string ControlAddress => Format(_address, Bound(_control));

    /// <summary>host:port, with brackets for IPv6.</summary>
    public static string Format(IPAddress address, int port) =>
        address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]:{port}" : $"{address}:{port}";

    // Kestrel writes the port it really bound back into the listen options.
    private static int Bound(ListenOptions? options) =>
        options?.IPEndPoint?.Port ?? throw new InvalidOperationException("the server has not started listening yet");
}
