using System.Security.Cryptography.X509Certificates;

namespace Tandem.Engines.Security;

/// <summary>
/// What the operator's control clients present and trust, read at every TLS handshake so a rotated certificate or CA
/// is used without reopening the pool.
/// </summary>
public interface IControlCredentials
{
    /// <summary>The operator's client certificate with its key; null until the CA is loaded (handshakes then fail and are retried).</summary>
    X509Certificate2? ClientCertificate { get; }

    /// <summary>The CAs a control port's server certificate must chain to.</summary>
    X509Certificate2Collection Authorities { get; }
}
