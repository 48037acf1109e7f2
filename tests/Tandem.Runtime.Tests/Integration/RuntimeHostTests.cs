using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Runtime.Client;
using Tandem.Runtime.Tests.Fakes;

namespace Tandem.Runtime.Tests.Integration;

public sealed class RuntimeHostTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private static readonly HttpClient Http = new();

    private Task<RuntimeHost> StartAsync(string ns, Probe probe, Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?> { ["Runtime:Namespaces:0"] = ns, ["Runtime:Workers"] = "1" };
        foreach (var (k, v) in extra ?? []) settings[k] = v;
        return RuntimeHost.StartAsync(fixture, settings, services =>
        {
            services.AddSingleton(probe);
            services.AddController<Widget, WidgetReconciler>().Owns<V1ConfigMap>();
        });
    }

    [Fact]
    public async Task A_controller_converges_a_custom_resource_and_repairs_an_owned_child_when_it_changes()
    {
        var ns = await fixture.NamespaceAsync("host");
        await using var host = await StartAsync(ns, new Probe());
        var widgets = new KubernetesResourceClient<Widget>(fixture.Client);

        await widgets.CreateAsync(Widget.Named(ns, "w", size: 4), CancellationToken.None);

        await Eventually.TrueAsync(() => widgets.GetAsync(ns, "w", CancellationToken.None).Result?.Status?.ObservedSize == 4, "status.observedSize = 4");
        var child = await fixture.Client.CoreV1.ReadNamespacedConfigMapAsync("w-config", ns);
        Assert.Equal("4", child.Data["size"]);

        // Someone edits the owned child: the Owns() watch enqueues the owner, which puts it back.
        child.Data["size"] = "tampered";
        await fixture.Client.CoreV1.ReplaceNamespacedConfigMapAsync(child, "w-config", ns);
        await Eventually.TrueAsync(() => fixture.Client.CoreV1.ReadNamespacedConfigMapAsync("w-config", ns).Result.Data["size"] == "4", "the child repaired");

        var events = (await fixture.Client.EventsV1.ListNamespacedEventAsync(ns)).Items;
        Assert.Contains(events, e => e.Reason == "Resized" && e.Regarding.Name == "w");
    }

    [Fact]
    public async Task Probes_report_ready_after_sync_and_metrics_carry_controller_runtime_names()
    {
        var ns = await fixture.NamespaceAsync("probes");
        await using var host = await StartAsync(ns, new Probe());
        await new KubernetesResourceClient<Widget>(fixture.Client).CreateAsync(Widget.Named(ns, "w"), CancellationToken.None);

        await Eventually.TrueAsync(() => Http.GetAsync(new Uri(host.Url, "/readyz")).Result.IsSuccessStatusCode, "/readyz 200");
        Assert.True((await Http.GetAsync(new Uri(host.Url, "/healthz"))).IsSuccessStatusCode);
        await Eventually.TrueAsync(() => Http.GetStringAsync(new Uri(host.Url, "/metrics")).Result.Contains("controller_runtime_reconcile_total{controller=\"widget\",result=\"success\"}"), "a counted reconcile");
        var metrics = await Http.GetStringAsync(new Uri(host.Url, "/metrics"));
        foreach (var name in new[] { "controller_runtime_reconcile_time_seconds_bucket", "workqueue_depth{name=\"widget\"}", "workqueue_queue_duration_seconds_count{name=\"widget\"}" })
        {
            Assert.Contains(name, metrics);
        }
    }

    [Fact]
    public async Task Stopping_the_host_drains_queued_reconciles_before_it_returns()
    {
        var ns = await fixture.NamespaceAsync("drain");
        var widgets = new KubernetesResourceClient<Widget>(fixture.Client);
        foreach (var name in new[] { "a", "b", "c" }) await widgets.CreateAsync(Widget.Named(ns, name), CancellationToken.None);
        var probe = new Probe { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        var host = await StartAsync(ns, probe);

        await Eventually.TrueAsync(() => probe.Calls.Count == 1, "one reconcile in flight, two queued");
        var stopping = host.StopAsync();
        Assert.False(stopping.IsCompleted);
        probe.Gate.SetResult();
        await stopping.WaitAsync(Eventually.DefaultDeadline);

        Assert.Equal(["a", "b", "c"], probe.Finished.Select(f => f.Split('/', ' ')[1]).Order());
        await host.DisposeAsync();
    }

    [Fact]
    public async Task A_standby_takes_over_the_lease_released_by_a_stopping_leader_before_it_would_expire()
    {
        var ns = await fixture.NamespaceAsync("leader");
        var lease = new Dictionary<string, string?>
        {
            ["Runtime:LeaderElection:Enabled"] = "true",
            ["Runtime:LeaderElection:LeaseName"] = "widgets",
            ["Runtime:LeaderElection:LeaseNamespace"] = ns,
            ["Runtime:LeaderElection:LeaseDuration"] = "00:00:15",
            ["Runtime:LeaderElection:RenewDeadline"] = "00:00:10",
            ["Runtime:LeaderElection:RetryPeriod"] = "00:00:00.5",
        };
        var first = new Probe("first");
        var second = new Probe("second");
        var a = await StartAsync(ns, first, new(lease) { ["Runtime:LeaderElection:Identity"] = "first" });
        await Eventually.TrueAsync(() => a.Services.GetRequiredService<ILeadership>().IsLeader, "first leads");
        await using var b = await StartAsync(ns, second, new(lease) { ["Runtime:LeaderElection:Identity"] = "second" });
        await Eventually.TrueAsync(() => Http.GetAsync(new Uri(b.Url, "/readyz")).Result.IsSuccessStatusCode, "the standby is ready (caches synced)");
        Assert.False(b.Services.GetRequiredService<ILeadership>().IsLeader);

        var widgets = new KubernetesResourceClient<Widget>(fixture.Client);
        await widgets.CreateAsync(Widget.Named(ns, "w1"), CancellationToken.None);
        await Eventually.TrueAsync(() => !first.Finished.IsEmpty, "the leader reconciles");
        Assert.Empty(second.Calls);
        var held = await fixture.Client.CoordinationV1.ReadNamespacedLeaseAsync("widgets", ns);

        await a.DisposeAsync();
        await Eventually.TrueAsync(() => b.Services.GetRequiredService<ILeadership>().IsLeader, "second leads");
        var taken = await fixture.Client.CoordinationV1.ReadNamespacedLeaseAsync("widgets", ns);

        Assert.Equal(("first", "second"), (held.Spec.HolderIdentity, taken.Spec.HolderIdentity));
        // The standby acquired before the leader's last renewal would have expired: the lease was released, not lost.
        Assert.True(taken.Spec.AcquireTime < held.Spec.RenewTime!.Value.AddSeconds(held.Spec.LeaseDurationSeconds!.Value),
            $"acquired {taken.Spec.AcquireTime:O}, old lease valid until {held.Spec.RenewTime.Value.AddSeconds(held.Spec.LeaseDurationSeconds.Value):O}");
        await widgets.CreateAsync(Widget.Named(ns, "w2"), CancellationToken.None);
        await Eventually.TrueAsync(() => second.Finished.Any(f => f.Contains("/w2")), "the new leader reconciles");
    }

    [Fact]
    public async Task A_leader_whose_lease_is_taken_stops_the_application()
    {
        var ns = await fixture.NamespaceAsync("lost");
        var settings = new Dictionary<string, string?>
        {
            ["Runtime:LeaderElection:Enabled"] = "true",
            ["Runtime:LeaderElection:LeaseName"] = "widgets",
            ["Runtime:LeaderElection:LeaseNamespace"] = ns,
            ["Runtime:LeaderElection:Identity"] = "leader",
            ["Runtime:LeaderElection:LeaseDuration"] = "00:00:03",
            ["Runtime:LeaderElection:RenewDeadline"] = "00:00:02",
            ["Runtime:LeaderElection:RetryPeriod"] = "00:00:00.25",
        };
        await using var host = await StartAsync(ns, new Probe(), settings);
        var lifetime = host.Services.GetRequiredService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>();
        await Eventually.TrueAsync(() => host.Services.GetRequiredService<ILeadership>().IsLeader, "leading");

        // The leader renews every 250 ms, so take the lease with a read-modify-write that retries on conflict.
        await Eventually.TrueAsync(() =>
        {
            var lease = fixture.Client.CoordinationV1.ReadNamespacedLeaseAsync("widgets", ns).Result;
            lease.Spec.HolderIdentity = "intruder";
            lease.Spec.RenewTime = DateTime.UtcNow;
            lease.Spec.LeaseDurationSeconds = 600;
            try
            {
                fixture.Client.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, "widgets", ns).Wait();
                return true;
            }
            catch (AggregateException e) when (e.InnerException is k8s.Autorest.HttpOperationException { Response.StatusCode: System.Net.HttpStatusCode.Conflict })
            {
                return false;
            }
        }, "the lease taken by another holder");

        await Eventually.TrueAsync(() => lifetime.ApplicationStopping.IsCancellationRequested, "the application to stop after losing the lease");
        Assert.False(host.Services.GetRequiredService<ILeadership>().IsLeader);
    }
}
