using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Tandem.Api.V1Alpha1;
using Tandem.Engines.Security;
using Tandem.Operator.Instances;

namespace Tandem.Operator.ControlTls;

/// <summary>
/// The Secret <c>&lt;deployment&gt;-control-tls</c> each deployment's router and engine pods mount: a server certificate
/// for their control ports issued by <see cref="ControlAuthority"/>, its key, and the CA bundle that tells them the
/// operator's client certificate. Reissued when the CA changed or less than a third of its lifetime is left. What is
/// known good is remembered, so a steady deployment costs no API request.
/// </summary>
public sealed class ControlTlsSecrets(IKubernetes kubernetes, ControlAuthority authority, ILogger<ControlTlsSecrets> logger)
{
    // Certificates are judged by peers against the real clock, so they are issued and checked on it too.
    private static readonly TimeProvider Clock = TimeProvider.System;

    private const string FieldManager = Tandem.Runtime.RuntimeOptions.DefaultFieldManager;

    // namespace/name → (CA bundle, certificate's NotAfter) of the Secret last seen or written.
    private readonly ConcurrentDictionary<string, (string Bundle, DateTime NotAfter, DateTime NotBefore)> _known = new(StringComparer.Ordinal);

    /// <summary>Name of the deployment's control TLS Secret.</summary>
    public static string Name(string deployment) => ControlTlsMount.SecretName(deployment);

    /// <summary>Makes sure the deployment's Secret exists and is current.</summary>
    public async Task EnsureAsync(InferenceDeployment deployment, CancellationToken cancel)
    {
        await authority.EnsureAsync(cancel).ConfigureAwait(false);
        var bundle = authority.BundlePem!;
        var ca = authority.Authority!;
        var ns = deployment.Metadata.NamespaceProperty;
        var name = Name(deployment.Metadata.Name);
        var key = ns + "/" + name;
        var now = Clock.GetUtcNow();
        if (_known.TryGetValue(key, out var known) && known.Bundle == bundle && !Due(known.NotBefore, known.NotAfter, now))
        {
            return;
        }

        V1Secret? existing;
        try
        {
            existing = await kubernetes.CoreV1.ReadNamespacedSecretAsync(name, ns, cancellationToken: cancel).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            existing = null;
        }

        if (existing is not null && Current(existing, bundle, ca, now) is { } current)
        {
            _known[key] = (bundle, current.NotAfter.ToUniversalTime(), current.NotBefore.ToUniversalTime());
            return;
        }

        var server = ControlPki.IssueServer(ca, [$"{deployment.Metadata.Name}.{ns}.control.tandem", $"{deployment.Metadata.Name}-router.{ns}.svc"], now);
        var desired = new V1Secret
        {
            ApiVersion = "v1",
            Kind = "Secret",
            Type = "kubernetes.io/tls",
            Metadata = new V1ObjectMeta
            {
                Name = name,
                NamespaceProperty = ns,
                ResourceVersion = existing?.Metadata.ResourceVersion,
                Labels = InstanceLabels.ForDeployment(deployment, "control-tls"),
                OwnerReferences = [Owners.ControllerReference(deployment)],
            },
            Data = new Dictionary<string, byte[]>
            {
                [ControlTlsFiles.CaFile] = Encoding.ASCII.GetBytes(bundle),
                [ControlTlsFiles.CertificateFile] = Encoding.ASCII.GetBytes(ControlPki.CertificatePem(server)),
                [ControlTlsFiles.KeyFile] = Encoding.ASCII.GetBytes(ControlPki.PrivateKeyPem(server)),
            },
        };
        _ = existing is null
            ? await kubernetes.CoreV1.CreateNamespacedSecretAsync(desired, ns, fieldManager: FieldManager, cancellationToken: cancel).ConfigureAwait(false)
            : await kubernetes.CoreV1.ReplaceNamespacedSecretAsync(desired, name, ns, fieldManager: FieldManager, cancellationToken: cancel).ConfigureAwait(false);
        _known[key] = (bundle, server.NotAfter.ToUniversalTime(), server.NotBefore.ToUniversalTime());
        logger.LogInformation("{Kind}/{Namespace}/{Name}: {Action} control TLS Secret {Secret}, valid until {NotAfter:u}",
            InferenceDeployment.KubeKind, ns, deployment.Metadata.Name, existing is null ? "created" : "reissued", name, server.NotAfter.ToUniversalTime());
    }

    /// <summary>Forgets what was known of a deployment's Secret (it goes with the deployment through its owner reference).</summary>
    public void Forget(string ns, string deployment) => _known.TryRemove(ns + "/" + Name(deployment), out _);

    // The Secret's certificate, when it chains to the current CA, is not due, and its bundle is the current one.
    private static X509Certificate2? Current(V1Secret secret, string bundle, X509Certificate2 ca, DateTimeOffset now)
    {
        var data = secret.Data;
        if (data is null || !data.TryGetValue(ControlTlsFiles.CaFile, out var caPem) || Encoding.ASCII.GetString(caPem) != bundle
            || !data.TryGetValue(ControlTlsFiles.CertificateFile, out var certificatePem) || !data.ContainsKey(ControlTlsFiles.KeyFile))
        {
            return null;
        }

        try
        {
            var certificate = X509Certificate2.CreateFromPem(Encoding.ASCII.GetString(certificatePem));
            return ControlTrust.IsControlServer(certificate, [ca], now) && !ControlPki.DueForRenewal(certificate, now) ? certificate : null;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }

    private static bool Due(DateTime notBefore, DateTime notAfter, DateTimeOffset now) => now.UtcDateTime >= notAfter - ((notAfter - notBefore) / 3);
}
