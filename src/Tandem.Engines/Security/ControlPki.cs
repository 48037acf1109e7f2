using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Tandem.Engines.Security;

/// <summary>
/// The installation's control-plane PKI: a self-signed CA, server certificates for router and engine control ports,
/// and the operator's client certificate. ECDSA P-256 keys; every issued certificate carries the one extended key
/// usage it is for, so a pod holding a server certificate cannot use it to call another pod's control port.
/// </summary>
public static class ControlPki
{
    /// <summary>Common name of the only client the control ports accept.</summary>
    public const string OperatorClientName = "tandem-operator";

    /// <summary>Lifetime of the CA; the operator replaces it when less than a third is left.</summary>
    public static readonly TimeSpan CaLifetime = TimeSpan.FromDays(3650);

    /// <summary>Lifetime of a server or client certificate; reissued when less than a third is left.</summary>
    public static readonly TimeSpan LeafLifetime = TimeSpan.FromDays(90);

    // Issued certificates start a little in the past so a pod whose clock is behind still accepts them.
    private static readonly TimeSpan Backdate = TimeSpan.FromMinutes(5);

    /// <summary>A new self-signed CA named <paramref name="name"/>, valid from <paramref name="now"/> for <paramref name="lifetime"/>.</summary>
    public static X509Certificate2 CreateAuthority(string name, DateTimeOffset now, TimeSpan? lifetime = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName("CN=" + name), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        return request.CreateSelfSigned(now - Backdate, now + (lifetime ?? CaLifetime));
    }

    /// <summary>A server certificate for control ports, naming <paramref name="dnsNames"/>, signed by <paramref name="authority"/>.</summary>
    public static X509Certificate2 IssueServer(X509Certificate2 authority, IReadOnlyList<string> dnsNames, DateTimeOffset now, TimeSpan? lifetime = null)
    {
        var names = new SubjectAlternativeNameBuilder();
        foreach (var name in dnsNames)
        {
            names.AddDnsName(name);
        }

        return Issue(authority, dnsNames[0], ControlTrust.ServerAuthentication, names.Build(), now, lifetime ?? LeafLifetime);
    }

    /// <summary>The operator's client certificate, signed by <paramref name="authority"/>.</summary>
    public static X509Certificate2 IssueOperatorClient(X509Certificate2 authority, DateTimeOffset now, TimeSpan? lifetime = null) =>
        Issue(authority, OperatorClientName, ControlTrust.ClientAuthentication, extension: null, now, lifetime ?? LeafLifetime);

    /// <summary>Whether <paramref name="certificate"/> should be replaced at <paramref name="now"/>: less than a third of its lifetime left.</summary>
    public static bool DueForRenewal(X509Certificate2 certificate, DateTimeOffset now)
    {
        var notBefore = new DateTimeOffset(certificate.NotBefore.ToUniversalTime());
        var notAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime());
        return now >= notAfter - ((notAfter - notBefore) / 3);
    }

    /// <summary>PEM of the certificate alone.</summary>
    public static string CertificatePem(X509Certificate2 certificate) => certificate.ExportCertificatePem() + "\n";

    /// <summary>PEM of the certificate's private key (PKCS#8).</summary>
    public static string PrivateKeyPem(X509Certificate2 certificate) =>
        (certificate.GetECDsaPrivateKey() ?? throw new InvalidOperationException($"certificate {certificate.Subject} has no ECDSA private key")).ExportPkcs8PrivateKeyPem() + "\n";

    /// <summary>A certificate with its private key from PEM text.</summary>
    public static X509Certificate2 FromPem(string certificatePem, string keyPem) => X509Certificate2.CreateFromPem(certificatePem, keyPem);

    private static X509Certificate2 Issue(X509Certificate2 authority, string commonName, string usage, X509Extension? extension, DateTimeOffset now, TimeSpan lifetime)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName("CN=" + commonName), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usage)], critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        if (extension is not null)
        {
            request.CertificateExtensions.Add(extension);
        }

        var notAfter = now + lifetime;
        if (notAfter > authority.NotAfter)
        {
            notAfter = new DateTimeOffset(authority.NotAfter.ToUniversalTime());
        }

        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var issued = request.Create(authority, now - Backdate, notAfter, serial);
        return issued.CopyWithPrivateKey(key);
    }
}
