using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Tandem.Engines.Security;

/// <summary>
/// Who may talk to whom on the control plane: a peer's certificate must chain to one of the installation's CAs (never
/// the system store) and carry the extended key usage of its side; a client must also be the operator.
/// </summary>
public static class ControlTrust
{
    /// <summary>id-kp-serverAuth.</summary>
    public const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";

    /// <summary>id-kp-clientAuth.</summary>
    public const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";

    /// <summary>Whether a control port should accept <paramref name="client"/>: issued by one of <paramref name="authorities"/> to the operator.</summary>
    public static bool IsOperator(X509Certificate2? client, X509Certificate2Collection authorities, DateTimeOffset now) =>
        client is not null
        && client.GetNameInfo(X509NameType.SimpleName, forIssuer: false) == ControlPki.OperatorClientName
        && ChainsTo(client, authorities, ClientAuthentication, now);

    /// <summary>Whether the operator should accept <paramref name="server"/> as a control port of this installation.</summary>
    public static bool IsControlServer(X509Certificate2? server, X509Certificate2Collection authorities, DateTimeOffset now) =>
        server is not null && ChainsTo(server, authorities, ServerAuthentication, now);

    /// <summary>The client-side validation callback for an SslStream or SocketsHttpHandler.</summary>
    public static RemoteCertificateValidationCallback ServerValidator(Func<X509Certificate2Collection> authorities, TimeProvider time) =>
        (_, certificate, _, _) => certificate is not null && IsControlServer(certificate as X509Certificate2 ?? new X509Certificate2(certificate), authorities(), time.GetUtcNow());

    private static bool ChainsTo(X509Certificate2 leaf, X509Certificate2Collection authorities, string usage, DateTimeOffset now)
    {
        if (authorities.Count == 0 || !HasUsage(leaf, usage))
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        // A private CA publishes no revocation list: a compromised leaf is handled by rotating the CA.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = now.UtcDateTime;
        chain.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid(usage));
        return chain.Build(leaf);
    }

    private static bool HasUsage(X509Certificate2 certificate, string usage) =>
        certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().Any(e => e.EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>().Any(o => o.Value == usage));
}
