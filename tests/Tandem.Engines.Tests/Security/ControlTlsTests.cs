using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Microsoft.Extensions.Time.Testing;
using Tandem.Engines.Clients;
using Tandem.Engines.Mock;
using Tandem.Engines.Security;

namespace Tandem.Engines.Tests.Security;

/// <summary>Control ports with mutual TLS: only the operator's certificate from the installation's CA gets in.</summary>
public sealed class ControlTlsTests : IDisposable
{
    private static readonly ControlClientOptions Quick = new() { MaxRetries = 0, CallDeadline = TimeSpan.FromSeconds(10) };

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("tandem-control-tls-");

    private sealed class Credentials(X509Certificate2? client, params X509Certificate2[] authorities) : IControlCredentials
    {
        public X509Certificate2? ClientCertificate => client;

        public X509Certificate2Collection Authorities => [.. authorities];
    }

    private void WriteSecret(X509Certificate2 authority, X509Certificate2 server)
    {
        File.WriteAllText(Path.Combine(_directory.FullName, ControlTlsFiles.CaFile), ControlPki.CertificatePem(authority));
        File.WriteAllText(Path.Combine(_directory.FullName, ControlTlsFiles.CertificateFile), ControlPki.CertificatePem(server));
        File.WriteAllText(Path.Combine(_directory.FullName, ControlTlsFiles.KeyFile), ControlPki.PrivateKeyPem(server));
    }

    [Fact]
    public async Task Only_the_operators_certificate_from_the_installations_CA_reaches_an_engines_control_port()
    {
        var now = DateTimeOffset.UtcNow;
        var authority = ControlPki.CreateAuthority("test-ca", now);
        WriteSecret(authority, ControlPki.IssueServer(authority, ["chat.default.control.tandem"], now));
        await using var engine = await MockEngineServer.StartAsync(TestProfiles.Engine() with { ControlTlsDirectory = _directory.FullName });

        using var operatorPool = new EngineConnectionPool(Quick with { Credentials = new Credentials(ControlPki.IssueOperatorClient(authority, now), authority) });
        var health = await operatorPool.Engine(engine.ControlAddress).HealthAsync();
        Assert.Equal(engine.ControlAddress, health.Address);

        using var plaintext = new EngineConnectionPool(Quick);
        await Assert.ThrowsAsync<RpcException>(() => plaintext.Engine(engine.ControlAddress).DrainAsync());
        using var noCertificate = new EngineConnectionPool(Quick with { Credentials = new Credentials(null, authority) });
        await Assert.ThrowsAsync<RpcException>(() => noCertificate.Engine(engine.ControlAddress).DrainAsync());
        var stranger = ControlPki.CreateAuthority("stranger", now);
        using var foreign = new EngineConnectionPool(Quick with { Credentials = new Credentials(ControlPki.IssueOperatorClient(stranger, now), authority) });
        await Assert.ThrowsAsync<RpcException>(() => foreign.Engine(engine.ControlAddress).DrainAsync());
        // The operator does not talk to a control port whose certificate another CA issued, either.
        using var misled = new EngineConnectionPool(Quick with { Credentials = new Credentials(ControlPki.IssueOperatorClient(authority, now), stranger) });
        await Assert.ThrowsAsync<RpcException>(() => misled.Engine(engine.ControlAddress).HealthAsync());

        Assert.Equal(Tandem.Scaling.Lifecycle.InstanceState.Active, engine.Engine.State);
    }

    [Fact]
    public void Each_certificate_is_good_for_its_own_side_only_and_only_while_valid()
    {
        var now = DateTimeOffset.UtcNow;
        var authority = ControlPki.CreateAuthority("test-ca", now);
        var server = ControlPki.IssueServer(authority, ["r.default.control.tandem"], now);
        var client = ControlPki.IssueOperatorClient(authority, now);

        Assert.True(ControlTrust.IsOperator(client, [authority], now));
        Assert.True(ControlTrust.IsControlServer(server, [authority], now));
        Assert.False(ControlTrust.IsOperator(server, [authority], now));
        Assert.False(ControlTrust.IsControlServer(client, [authority], now));
        Assert.False(ControlTrust.IsOperator(client, [authority], now + ControlPki.LeafLifetime + TimeSpan.FromDays(1)));
        Assert.False(ControlPki.DueForRenewal(client, now));
        Assert.True(ControlPki.DueForRenewal(client, now + (ControlPki.LeafLifetime * 2 / 3) + TimeSpan.FromMinutes(10)));
    }

    [Fact]
    public void Rotated_files_are_served_after_the_recheck_interval()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var now = clock.GetUtcNow();
        var authority = ControlPki.CreateAuthority("test-ca", now);
        var first = ControlPki.IssueServer(authority, ["a.control.tandem"], now);
        WriteSecret(authority, first);
        var files = ControlTlsFiles.Open(_directory.FullName, clock);

        var second = ControlPki.IssueServer(authority, ["a.control.tandem"], now);
        WriteSecret(authority, second);
        var beforeRecheck = files.Certificate.Thumbprint;
        clock.Advance(ControlTlsFiles.RecheckInterval);

        Assert.Equal(first.Thumbprint, beforeRecheck);
        Assert.Equal(second.Thumbprint, files.Certificate.Thumbprint);
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        var error = Assert.Throws<InvalidDataException>(() => ControlTlsFiles.Open(_directory.FullName));
        Assert.Contains(ControlTlsFiles.CaFile, error.Message);
    }

    public void Dispose() => _directory.Delete(recursive: true);
}
