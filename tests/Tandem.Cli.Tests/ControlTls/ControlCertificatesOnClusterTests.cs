using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Tandem.Api.V1Alpha1;
using Tandem.Emulator;
using Tandem.Engines.Security;
using Tandem.Operator;
using Tandem.Operator.ControlTls;
using Tandem.Operator.Hosting;

namespace Tandem.Cli.Tests.ControlTls;

/// <summary>The operator's CA and per-deployment Secrets against the API emulator: created once, kept while good, replaced after the CA goes.</summary>
public sealed class ControlCertificatesOnClusterTests
{
    [Fact]
    public async Task The_CA_and_a_deployments_secret_are_created_once_and_reissued_from_a_new_CA_after_the_old_one_is_deleted()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        using var client = new Kubernetes(cluster.ClientConfiguration);
        // Recheck at every call, so the deleted CA is noticed at once.
        var options = Options.Create(new OperatorOptions { Namespace = "default", ControlCaRecheck = TimeSpan.Zero });
        var authority = new ControlAuthority(client, options, NullLogger<ControlAuthority>.Instance);
        var secrets = new ControlTlsSecrets(client, authority, NullLogger<ControlTlsSecrets>.Instance);
        var deployment = await CreateDeploymentAsync(client);

        await secrets.EnsureAsync(deployment, CancellationToken.None);
        var ca = await client.CoreV1.ReadNamespacedSecretAsync(ControlAuthority.SecretName, "default");
        var first = await client.CoreV1.ReadNamespacedSecretAsync("chat-control-tls", "default");
        await secrets.EnsureAsync(deployment, CancellationToken.None);
        var unchanged = await client.CoreV1.ReadNamespacedSecretAsync("chat-control-tls", "default");

        Assert.Equal("kubernetes.io/tls", first.Type);
        Assert.Equal(first.Metadata.ResourceVersion, unchanged.Metadata.ResourceVersion);
        Assert.Equal("InferenceDeployment", Assert.Single(first.Metadata.OwnerReferences).Kind);
        var firstAuthority = Certificate(ca, ControlTlsFiles.CertificateFile);
        Assert.True(ControlTrust.IsControlServer(Certificate(first, ControlTlsFiles.CertificateFile), [firstAuthority], DateTimeOffset.UtcNow));
        Assert.True(ControlTrust.IsOperator(authority.ClientCertificate, [firstAuthority], DateTimeOffset.UtcNow));

        await client.CoreV1.DeleteNamespacedSecretAsync(ControlAuthority.SecretName, "default");
        await secrets.EnsureAsync(deployment, CancellationToken.None);

        var newAuthority = Certificate(await client.CoreV1.ReadNamespacedSecretAsync(ControlAuthority.SecretName, "default"), ControlTlsFiles.CertificateFile);
        var reissued = await client.CoreV1.ReadNamespacedSecretAsync("chat-control-tls", "default");
        Assert.NotEqual(firstAuthority.Thumbprint, newAuthority.Thumbprint);
        Assert.True(ControlTrust.IsControlServer(Certificate(reissued, ControlTlsFiles.CertificateFile), [newAuthority], DateTimeOffset.UtcNow));
        Assert.Equal(ControlPki.CertificatePem(newAuthority), Encoding.ASCII.GetString(reissued.Data[ControlTlsFiles.CaFile]));
        Assert.True(ControlTrust.IsOperator(authority.ClientCertificate, [newAuthority], DateTimeOffset.UtcNow));
    }

    /// <summary>A real InferenceDeployment to own the Secret (the emulator's garbage collector removes orphans).</summary>
    private static async Task<InferenceDeployment> CreateDeploymentAsync(Kubernetes client)
    {
        foreach (var (_, yaml) in Tandem.Api.Schema.CrdFiles.Render())
        {
            await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(KubernetesJson.Deserialize<V1CustomResourceDefinition>(Tandem.Api.Serialization.YamlJson.ParseAll(yaml).Single().ToJsonString()));
        }

        var body = Tandem.Api.Serialization.YamlJson.ParseAll(EndToEnd.TestDeployments.Deployment()).Single();
        var created = await client.CustomObjects.CreateNamespacedCustomObjectAsync(body, ApiGroup.Group, ApiGroup.Version, "default", "inferencedeployments");
        return KubernetesJson.Deserialize<InferenceDeployment>(((System.Text.Json.JsonElement)created).GetRawText());
    }

    private static X509Certificate2 Certificate(V1Secret secret, string key) => X509Certificate2.CreateFromPem(Encoding.ASCII.GetString(secret.Data[key]));
}
