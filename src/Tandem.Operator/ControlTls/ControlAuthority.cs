using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tandem.Engines.Security;
using Tandem.Operator.Hosting;

namespace Tandem.Operator.ControlTls;

/// <summary>
/// The installation's control-plane CA, kept in the Secret <see cref="SecretName"/> of the operator's namespace: created
/// once (the first replica to start creates it; another that loses the race reads it), replaced when less than a third
/// of its lifetime is left or when an administrator deletes it. The operator's client certificate is issued from it in
/// memory and never stored. <c>ca.crt</c> holds the current CA and the previous one while it is still valid, so pods
/// whose Secret has not been reissued yet keep trusting the operator during a rotation.
/// </summary>
public sealed class ControlAuthority(IKubernetes kubernetes, IOptions<OperatorOptions> options, ILogger<ControlAuthority> logger) : IControlCredentials
{
    /// <summary>Name of the CA Secret in the operator's namespace.</summary>
    public const string SecretName = "tandem-control-ca";

    // Certificates are judged by peers against the real clock, so they are issued and checked on it too.
    private static readonly TimeProvider Clock = TimeProvider.System;

    private const string FieldManager = Tandem.Runtime.RuntimeOptions.DefaultFieldManager;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile State? _state;

    /// <summary>The namespace holding the CA Secret.</summary>
    public string Namespace => options.Value.OperatorNamespace();

    /// <inheritdoc />
    public X509Certificate2? ClientCertificate => _state?.Client;

    /// <inheritdoc />
    public X509Certificate2Collection Authorities => _state?.Bundle ?? [];

    /// <summary>The current CA with its key; null until loaded.</summary>
    public X509Certificate2? Authority => _state?.Authority;

    /// <summary>PEM of <see cref="Authorities"/>, the <c>ca.crt</c> every control Secret carries.</summary>
    public string? BundlePem => _state?.BundlePem;

    /// <summary>Loads (or creates) the CA, rotates it when due and renews the client certificate when due; cheap when nothing is due.</summary>
    public async Task EnsureAsync(CancellationToken cancel)
    {
        var now = Clock.GetUtcNow();
        if (_state is { } current && !ControlPki.DueForRenewal(current.Authority, now) && !ControlPki.DueForRenewal(current.Client, now) && now - current.ReadAt < options.Value.ControlCaRecheck)
        {
            return;
        }

        await _gate.WaitAsync(cancel).ConfigureAwait(false);
        try
        {
            _state = await LoadAsync(cancel).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<State> LoadAsync(CancellationToken cancel)
    {
        var now = Clock.GetUtcNow();
        V1Secret? secret;
        try
        {
            secret = await kubernetes.CoreV1.ReadNamespacedSecretAsync(SecretName, Namespace, cancellationToken: cancel).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            secret = null;
        }

        if (secret is not null && Parse(secret, now) is { } loaded && !ControlPki.DueForRenewal(loaded.Authority, now))
        {
            return _state is { } kept && kept.Authority.Thumbprint == loaded.Authority.Thumbprint && !ControlPki.DueForRenewal(kept.Client, now)
                ? kept with { ReadAt = now }
                : loaded;
        }

        // Missing, unreadable or due: a new CA; the old one stays trusted in the bundle until it expires.
        var authority = ControlPki.CreateAuthority($"tandem-control-ca {Namespace} {now:yyyy-MM-dd}", now);
        var previous = secret is not null && Parse(secret, now) is { } old ? old.Bundle.Where(c => c.NotAfter.ToUniversalTime() > now.UtcDateTime) : [];
        var bundle = new X509Certificate2Collection(authority);
        bundle.AddRange(previous.Where(c => c.Thumbprint != authority.Thumbprint).ToArray());
        var desired = new V1Secret
        {
            ApiVersion = "v1",
            Kind = "Secret",
            Type = "kubernetes.io/tls",
            Metadata = new V1ObjectMeta
            {
                Name = SecretName,
                NamespaceProperty = Namespace,
                ResourceVersion = secret?.Metadata.ResourceVersion,
                Labels = new Dictionary<string, string> { ["app.kubernetes.io/managed-by"] = "tandem-operator", ["app.kubernetes.io/component"] = "control-ca" },
            },
            Data = new Dictionary<string, byte[]>
            {
                [ControlTlsFiles.CertificateFile] = Encoding.ASCII.GetBytes(ControlPki.CertificatePem(authority)),
                [ControlTlsFiles.KeyFile] = Encoding.ASCII.GetBytes(ControlPki.PrivateKeyPem(authority)),
                [ControlTlsFiles.CaFile] = Encoding.ASCII.GetBytes(Pem(bundle)),
            },
        };
        try
        {
            _ = secret is null
                ? await kubernetes.CoreV1.CreateNamespacedSecretAsync(desired, Namespace, fieldManager: FieldManager, cancellationToken: cancel).ConfigureAwait(false)
                : await kubernetes.CoreV1.ReplaceNamespacedSecretAsync(desired, SecretName, Namespace, fieldManager: FieldManager, cancellationToken: cancel).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            // Another replica wrote it first: use theirs.
            var theirs = await kubernetes.CoreV1.ReadNamespacedSecretAsync(SecretName, Namespace, cancellationToken: cancel).ConfigureAwait(false);
            return Parse(theirs, now) ?? throw new InvalidOperationException($"Secret {Namespace}/{SecretName} is not a CA the operator can use.");
        }

        logger.LogInformation(secret is null ? "Created control-plane CA Secret {Namespace}/{Name}, valid until {NotAfter:u}" : "Rotated control-plane CA in Secret {Namespace}/{Name}, valid until {NotAfter:u}",
            Namespace, SecretName, authority.NotAfter.ToUniversalTime());
        return Build(authority, bundle, now);
    }

    private State? Parse(V1Secret secret, DateTimeOffset now)
    {
        try
        {
            var data = secret.Data ?? new Dictionary<string, byte[]>();
            var authority = ControlPki.FromPem(Encoding.ASCII.GetString(data[ControlTlsFiles.CertificateFile]), Encoding.ASCII.GetString(data[ControlTlsFiles.KeyFile]));
            var bundle = new X509Certificate2Collection();
            if (data.TryGetValue(ControlTlsFiles.CaFile, out var ca))
            {
                bundle.ImportFromPem(Encoding.ASCII.GetString(ca));
            }

            if (!bundle.Cast<X509Certificate2>().Any(c => c.Thumbprint == authority.Thumbprint))
            {
                bundle.Insert(0, authority);
            }

            return Build(authority, bundle, now);
        }
        catch (Exception e) when (e is KeyNotFoundException or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            logger.LogWarning(e, "Secret {Namespace}/{Name} does not hold a usable CA; replacing it", Namespace, SecretName);
            return null;
        }
    }

    private static State Build(X509Certificate2 authority, X509Certificate2Collection bundle, DateTimeOffset now) =>
        new(authority, bundle, Pem(bundle), ControlPki.IssueOperatorClient(authority, now), now);

    private static string Pem(X509Certificate2Collection bundle) => string.Concat(bundle.Cast<X509Certificate2>().Select(ControlPki.CertificatePem));

    private sealed record State(X509Certificate2 Authority, X509Certificate2Collection Bundle, string BundlePem, X509Certificate2 Client, DateTimeOffset ReadAt);
}
