using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Tandem.Runtime.Client;
using Tandem.Runtime.Informers;
using Tandem.Runtime.Tests.Fakes;

namespace Tandem.Runtime.Tests.Integration;

public sealed class SharedClientTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    /// <summary>
    /// Regression: KubernetesClient's watch enumerator left a line read pending when cancelled, and that read could
    /// swallow the response of the next request on the reused connection (the request then hung 100 s).
    /// </summary>
    [Fact]
    public async Task Writes_on_the_client_an_informer_shares_complete_after_watches_are_cancelled_dropped_or_expired()
    {
        var client = fixture.Client;
        for (var round = 0; round < 4; round++)
        {
            var ns = await fixture.NamespaceAsync("shared");
            await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "goes" } }, ns).WaitAsync(Eventually.DefaultDeadline);
            using var stop = new CancellationTokenSource();
            var informer = new Informer<V1ConfigMap>(new KubernetesResourceClient<V1ConfigMap>(client), new InformerSettings([ns], TimeSpan.Zero),
                TimeProvider.System, NullLogger<Informer<V1ConfigMap>>.Instance);
            var run = Task.Run(() => informer.RunAsync(stop.Token));
            await informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(Eventually.DefaultDeadline);
            var expire = round % 2 == 0;
            if (expire)
            {
                fixture.Cluster.Faults.FailNext(1_000_000, 500, "GET", $"/namespaces/{ns}/configmaps");
                fixture.Cluster.Faults.DropWatches();
            }

            await client.CoreV1.DeleteNamespacedConfigMapAsync("goes", ns).WaitAsync(Eventually.DefaultDeadline);
            await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "new" } }, ns).WaitAsync(Eventually.DefaultDeadline);
            if (expire)
            {
                fixture.Cluster.CompactHistory();
                fixture.Cluster.Faults.Clear();
            }

            await Eventually.TrueAsync(() => informer.Cache.Get(ns, "new") is not null && informer.Cache.Get(ns, "goes") is null, $"round {round} converged");
            stop.Cancel();
            await run.WaitAsync(Eventually.DefaultDeadline);
        }
    }
}
