using System.Security.Cryptography.X509Certificates;

namespace Tandem.Engines.Security;

/// <summary>
/// A control port's TLS material as Kubernetes mounts a TLS Secret: <c>ca.crt</c> (the installation's CA, or CAs while
/// one is being rotated), <c>tls.crt</c> and <c>tls.key</c>. Files are read again when their contents change (the kubelet swaps
/// a Secret volume's files on update), compared at most every <see cref="RecheckInterval"/>, so a rotated
/// certificate is served without a restart.
/// </summary>
public sealed class ControlTlsFiles
{
    /// <summary>Key (and file name) of the CA bundle in the Secret.</summary>
    public const string CaFile = "ca.crt";

    /// <summary>Key (and file name) of the certificate in the Secret.</summary>
    public const string CertificateFile = "tls.crt";

    /// <summary>Key (and file name) of the private key in the Secret.</summary>
    public const string KeyFile = "tls.key";

    /// <summary>How often the files' timestamps are compared.</summary>
    public static readonly TimeSpan RecheckInterval = TimeSpan.FromSeconds(10);

    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private Loaded _loaded;
    private DateTimeOffset _checkedAt;

    private ControlTlsFiles(string directory, TimeProvider time)
    {
        Directory = directory;
        _time = time;
        _loaded = Load(directory);
        _checkedAt = time.GetUtcNow();
    }

    /// <summary>The directory the Secret is mounted at.</summary>
    public string Directory { get; }

    /// <summary>Reads <paramref name="directory"/>; throws naming the missing or unreadable file.</summary>
    public static ControlTlsFiles Open(string directory, TimeProvider? time = null) => new(directory, time ?? TimeProvider.System);

    /// <summary>The certificate (with key) this side presents.</summary>
    public X509Certificate2 Certificate => Current().Certificate;

    /// <summary>The CAs a peer's certificate must chain to.</summary>
    public X509Certificate2Collection Authorities => Current().Authorities;

    private Loaded Current()
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            if (now - _checkedAt >= RecheckInterval)
            {
                _checkedAt = now;
                if (Stamp(Directory) != _loaded.Stamp)
                {
                    try
                    {
                        _loaded = Load(Directory);
                    }
                    catch (Exception e) when (e is IOException or System.Security.Cryptography.CryptographicException or InvalidDataException)
                    {
                        // Half-written during a swap: keep serving what was loaded and look again at the next check.
                    }
                }
            }

            return _loaded;
        }
    }

    private static Loaded Load(string directory)
    {
        string Read(string file)
        {
            var path = Path.Combine(directory, file);
            return File.Exists(path) ? File.ReadAllText(path) : throw new InvalidDataException($"control TLS: {path} is missing (mount a Secret with {CaFile}, {CertificateFile} and {KeyFile}).");
        }

        var stamp = Stamp(directory);
        var authorities = new X509Certificate2Collection();
        authorities.ImportFromPem(Read(CaFile));
        if (authorities.Count == 0)
        {
            throw new InvalidDataException($"control TLS: {Path.Combine(directory, CaFile)} holds no certificate.");
        }

        return new Loaded(ControlPki.FromPem(Read(CertificateFile), Read(KeyFile)), authorities, stamp);
    }

    // The contents, not timestamps: a Secret volume's files are symlinks into a directory the kubelet swaps.
    private static string Stamp(string directory) => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(
        string.Join('|', new[] { CaFile, CertificateFile, KeyFile }.Select(f => Path.Combine(directory, f)).Select(p => File.Exists(p) ? File.ReadAllText(p) : "-")))));

    private sealed record Loaded(X509Certificate2 Certificate, X509Certificate2Collection Authorities, string Stamp);
}
