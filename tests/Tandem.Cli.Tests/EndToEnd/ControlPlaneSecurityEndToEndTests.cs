using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Grpc.Core;
using Grpc.Net.Client;
using k8s;
using k8s.Models;
using Tandem.Api.V1Alpha1;
using Tandem.Engines.Contract.V1;
using Tandem.Engines.Security;

namespace Tandem.Cli.Tests.EndToEnd;

/// <summary>
/// Issue #15's "prompt-stealing" call, through the real path: a router the emulator runs for an applied deployment,
/// called on its pod IP by clients that are not the operator, and a router whose membership version got ahead of the
/// operator's, which the operator must notice and undo.
/// </summary>
[Collection(EndToEndCollection.Name)]
public class ControlPlaneSecurityEndToEndTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task SetMembership_from_a_client_without_the_operators_certificate_is_refused_and_membership_is_unchanged()
    {
        await using var fixture = await StackFixture.StartAsync();
        await fixture.ApplyAsync(TestDeployments.Profile + "\n---\n" + TestDeployments.Deployment());
        await fixture.KubectlAsync("wait", "--for=condition=Ready", "inferencedeployment/chat", "--timeout=60s");
        var (pod, http, control) = await RouterAsync(fixture);
        var before = await MembershipVersionAsync(http);
        Assert.True(before > 0, $"the operator published membership (router reports {before})");

        // Plaintext h2c, as every caller could before: the port now speaks TLS only.
        var plaintext = await Assert.ThrowsAsync<RpcException>(() => StealAsync(GrpcChannel.ForAddress("http://" + control)));
        // TLS that accepts the router's certificate but presents none.
        var anonymous = await Assert.ThrowsAsync<RpcException>(() => StealAsync(Channel(control, client: null)));
        // TLS with a certificate named like the operator's, issued by a CA of the attacker's own.
        var foreignCa = ControlPki.CreateAuthority("not-this-installation", DateTimeOffset.UtcNow);
        var forged = await Assert.ThrowsAsync<RpcException>(() => StealAsync(Channel(control, ControlPki.IssueOperatorClient(foreignCa, DateTimeOffset.UtcNow))));
        // A certificate of this installation that is not the operator's: the router's own server certificate.
        var secret = await fixture.Client.CoreV1.ReadNamespacedSecretAsync("chat-control-tls", "default");
        var routerOwn = ControlPki.FromPem(Encoding.ASCII.GetString(secret.Data[ControlTlsFiles.CertificateFile]), Encoding.ASCII.GetString(secret.Data[ControlTlsFiles.KeyFile]));
        var sibling = await Assert.ThrowsAsync<RpcException>(() => StealAsync(Channel(control, routerOwn)));
        foreach (var refused in new[] { plaintext, anonymous, forged, sibling })
        {
            // Refused at the connection (TLS 1.3 may report the server's alert after the client's side of the
            // handshake finished, as a failed stream): never an answer from RouterControl.
            Assert.Contains(refused.StatusCode, new[] { StatusCode.Unavailable, StatusCode.Internal });
        }

        // Membership unchanged: the version is the operator's, and prompts still reach the real engines.
        var after = await MembershipVersionAsync(http);
        Assert.True(after < long.MaxValue / 2 && after >= before, $"router {pod} membership version went from {before} to {after}");
        using var client = new HttpClient { BaseAddress = new Uri("http://" + http) };
        for (var i = 0; i < 5; i++)
        {
            var response = await client.PostAsJsonAsync("/v1/completions", new { model = "tiny", prompt = $"secret prompt {i}", max_tokens = 3 });
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }

        // Where the CNI enforces NetworkPolicies, the router's control port and the engines admit only the operator's
        // namespace (and the deployment's own pods); the OpenAI port stays open.
        var routerPolicy = await fixture.Client.NetworkingV1.ReadNamespacedNetworkPolicyAsync("chat-router", "default");
        Assert.Contains(routerPolicy.Spec.Ingress, r => r.FromProperty is null && r.Ports.Single().Port.Value == "11236");
        Assert.Contains(routerPolicy.Spec.Ingress, r => r.Ports is null && r.FromProperty.Single().NamespaceSelector.MatchLabels["kubernetes.io/metadata.name"] == "default");
        var enginePolicy = await fixture.Client.NetworkingV1.ReadNamespacedNetworkPolicyAsync("chat-engine", "default");
        Assert.All(enginePolicy.Spec.Ingress, r => Assert.NotNull(r.FromProperty));

        // The same port answers a client holding an operator certificate of this installation's CA: the refusals
        // above are about who calls, not a closed port.
        var ca = await fixture.Client.CoreV1.ReadNamespacedSecretAsync("tandem-control-ca", "default");
        var authority = ControlPki.FromPem(Encoding.ASCII.GetString(ca.Data[ControlTlsFiles.CertificateFile]), Encoding.ASCII.GetString(ca.Data[ControlTlsFiles.KeyFile]));
        using var operatorChannel = Channel(control, ControlPki.IssueOperatorClient(authority, DateTimeOffset.UtcNow));
        using var watch = new RouterControl.RouterControlClient(operatorChannel).WatchLoad(new WatchLoadRequest(), deadline: DateTime.UtcNow.AddSeconds(10));
        Assert.True(await watch.ResponseStream.MoveNext(CancellationToken.None));
        Assert.True(watch.ResponseStream.Current.MembershipVersion < long.MaxValue / 2);
    }

    [Fact]
    public async Task A_router_ahead_of_the_operators_membership_version_is_reported_and_corrected()
    {
        await using var fixture = await StackFixture.StartAsync();
        await fixture.ApplyAsync(TestDeployments.Profile + "\n---\n" + TestDeployments.Deployment());
        await fixture.KubectlAsync("wait", "--for=condition=Ready", "inferencedeployment/chat", "--timeout=60s");
        var (_, http, control) = await RouterAsync(fixture);

        // A version the operator never published (here written with the installation's CA, as a restored backup of an
        // old router or a writer from another installation would): highest wins, so it would stick forever.
        var ca = await fixture.Client.CoreV1.ReadNamespacedSecretAsync("tandem-control-ca", "default");
        var authority = ControlPki.FromPem(Encoding.ASCII.GetString(ca.Data[ControlTlsFiles.CertificateFile]), Encoding.ASCII.GetString(ca.Data[ControlTlsFiles.KeyFile]));
        using var channel = Channel(control, ControlPki.IssueOperatorClient(authority, DateTimeOffset.UtcNow));
        var injected = await SetFakeMembershipAsync(channel);
        Assert.True(injected.Applied);

        await Eventually.HoldsAsync(() => MembershipVersionAsync(http), v => v < long.MaxValue / 2, Deadline, "the router's membership version back to the operator's");
        var deployment = await Eventually.HoldsAsync(() => fixture.DeploymentAsync("chat"),
            d => d.Status?.Conditions?.Any(c => c.Type == "Degraded" && c.Status == "True" && c.Reason == "RouterMembershipAhead") == true, Deadline, "Degraded=True RouterMembershipAhead");
        Assert.Contains("never published", deployment.Status!.Conditions!.First(c => c.Type == "Degraded").Message);
        var events = await Eventually.HoldsAsync(() => fixture.KubectlAsync("events", "--for", "infd/chat"), e => e.Contains("RouterMembershipAhead"), Deadline, "a RouterMembershipAhead event");
        Assert.Contains("Warning", events);
        using var client = new HttpClient { BaseAddress = new Uri("http://" + http) };
        var response = await client.PostAsJsonAsync("/v1/completions", new { model = "tiny", prompt = "after the correction", max_tokens = 3 });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task<(string Pod, string Http, string Control)> RouterAsync(StackFixture fixture)
    {
        var pods = await fixture.Client.CoreV1.ListNamespacedPodAsync("default", labelSelector: $"{WellKnownLabels.Deployment}=chat,{WellKnownLabels.Component}=router");
        var pod = pods.Items.Single(p => p.Status?.PodIP is not null);
        int Port(string name) => pod.Spec.Containers[0].Ports.Single(p => p.Name == name).ContainerPort;
        return (pod.Metadata.Name, $"{pod.Status.PodIP}:{Port("http")}", $"{pod.Status.PodIP}:{Port("control")}");
    }

    /// <summary>The raw call of the issue: version 2^63-1, one fake instance.</summary>
    private static async Task StealAsync(GrpcChannel channel)
    {
        using (channel)
        {
            await SetFakeMembershipAsync(channel);
        }
    }

    private static async Task<SetMembershipResponse> SetFakeMembershipAsync(GrpcChannel channel)
    {
        var request = new SetMembershipRequest { Version = long.MaxValue };
        request.Instances.Add(new Member { Id = "thief", Address = "127.0.0.1:9", Role = Role.Both, State = InstanceState.Active });
        return await new RouterControl.RouterControlClient(channel).SetMembershipAsync(request, deadline: DateTime.UtcNow.AddSeconds(10));
    }

    /// <summary>A TLS channel that accepts any server certificate and presents <paramref name="client"/> (or none).</summary>
    private static GrpcChannel Channel(string address, X509Certificate2? client) => GrpcChannel.ForAddress("https://" + address, new GrpcChannelOptions
    {
        HttpHandler = new SocketsHttpHandler
        {
            SslOptions = new System.Net.Security.SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, _, _, _) => true,
                ClientCertificates = client is null ? null : new X509CertificateCollection { client },
            },
        },
    });

    private static async Task<double> MembershipVersionAsync(string http)
    {
        using var client = new HttpClient();
        var text = await client.GetStringAsync($"http://{http}/metrics");
        var line = text.Split('\n').Single(l => l.StartsWith("tandem_router_membership_version ", StringComparison.Ordinal));
        return double.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture);
    }
}
