using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Tandem.Runtime.Client;
using Tandem.Runtime.Events;
using Tandem.Runtime.Helpers;

namespace Tandem.Runtime.Tests.Integration;

public sealed class HelpersOnEmulatorTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>, IDisposable
{
    private const string Finalizer = "test.tandem.dev/cleanup";
    private readonly IKubernetes _runtimeClient = fixture.NewClient();

    public void Dispose() => _runtimeClient.Dispose();

    private KubernetesResourceClient<T> Client<T>() where T : class, IKubernetesObject<V1ObjectMeta> => new(_runtimeClient);

    [Fact]
    public async Task A_status_update_on_a_stale_object_retries_the_conflict_on_fresh_data()
    {
        var ns = await fixture.NamespaceAsync("status");
        var widgets = Client<Widget>();
        var stale = await widgets.CreateAsync(Widget.Named(ns, "w", size: 2), CancellationToken.None);
        // Someone else changes the spec: our copy's resourceVersion is now stale.
        var fresh = await widgets.GetAsync(ns, "w", CancellationToken.None);
        fresh!.Spec.Size = 7;
        await new KubernetesResourceClient<Widget>(fixture.Client).ReplaceAsync(fresh, CancellationToken.None);

        var stored = await widgets.UpdateStatusAsync(stale, w => w.Status = new WidgetStatus { ObservedSize = w.Spec.Size, Phase = "Ready" });

        Assert.Equal(7, stored.Status?.ObservedSize);
        Assert.Equal(7, stored.Spec.Size);
        Assert.Equal("Ready", (await widgets.GetAsync(ns, "w", CancellationToken.None))!.Status?.Phase);
    }

    [Fact]
    public async Task A_status_update_that_changes_nothing_does_not_write()
    {
        var ns = await fixture.NamespaceAsync("status-same");
        var widgets = Client<Widget>();
        var created = await widgets.CreateAsync(Widget.Named(ns, "w"), CancellationToken.None);
        var written = await widgets.UpdateStatusAsync(created, w => w.Status = new WidgetStatus { ObservedSize = 1 });

        var again = await widgets.UpdateStatusAsync(written, w => w.Status = new WidgetStatus { ObservedSize = 1 });

        Assert.Same(written, again);
        Assert.Equal(written.Metadata.ResourceVersion, (await widgets.GetAsync(ns, "w", CancellationToken.None))!.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task A_status_update_does_not_change_the_spec()
    {
        var ns = await fixture.NamespaceAsync("status-spec");
        var widgets = Client<Widget>();
        var created = await widgets.CreateAsync(Widget.Named(ns, "w", size: 3), CancellationToken.None);

        await widgets.UpdateStatusAsync(created, w =>
        {
            w.Spec.Size = 99;
            w.Status = new WidgetStatus { Phase = "Ready" };
        });

        Assert.Equal(3, (await widgets.GetAsync(ns, "w", CancellationToken.None))!.Spec.Size);
    }

    [Fact]
    public async Task A_finalizer_holds_deletion_until_it_is_removed()
    {
        var ns = await fixture.NamespaceAsync("fin");
        var widgets = Client<Widget>();
        var created = await widgets.CreateAsync(Widget.Named(ns, "w"), CancellationToken.None);
        var withFinalizer = await widgets.AddFinalizerAsync(created, Finalizer);
        Assert.Same(withFinalizer, await widgets.AddFinalizerAsync(withFinalizer, Finalizer));

        await widgets.DeleteAsync(ns, "w", CancellationToken.None);
        var deleting = await widgets.GetAsync(ns, "w", CancellationToken.None);
        Assert.NotNull(deleting);
        Assert.True(deleting.IsBeingDeleted());
        Assert.Equal([Finalizer], deleting.Metadata.Finalizers);

        await widgets.RemoveFinalizerAsync(deleting, Finalizer);

        Assert.Null(await widgets.GetAsync(ns, "w", CancellationToken.None));
    }

    [Fact]
    public async Task Adding_a_finalizer_from_a_stale_object_conflicts_instead_of_dropping_another_finalizer()
    {
        var ns = await fixture.NamespaceAsync("fin-stale");
        var widgets = Client<Widget>();
        var created = await widgets.CreateAsync(Widget.Named(ns, "w"), CancellationToken.None);
        await widgets.AddFinalizerAsync(created, "other.dev/keep");

        var e = await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => widgets.AddFinalizerAsync(created, Finalizer));

        Assert.Equal(System.Net.HttpStatusCode.Conflict, e.Response.StatusCode);
        Assert.Equal(["other.dev/keep"], (await widgets.GetAsync(ns, "w", CancellationToken.None))!.Metadata.Finalizers);
    }

    [Fact]
    public async Task Create_or_update_creates_with_an_owner_reference_then_updates_only_on_change()
    {
        var ns = await fixture.NamespaceAsync("children");
        var owner = await Client<Widget>().CreateAsync(Widget.Named(ns, "owner"), CancellationToken.None);
        var maps = Client<V1ConfigMap>();
        V1ConfigMap Desired(string v) => new()
        {
            Metadata = new V1ObjectMeta { Name = "owner-config", NamespaceProperty = ns, Labels = new Dictionary<string, string> { ["app"] = "w" } },
            Data = new Dictionary<string, string> { ["v"] = v },
        };

        var (created, r1) = await maps.CreateOrUpdateAsync(owner, Desired("1"));
        var (same, r2) = await maps.CreateOrUpdateAsync(owner, Desired("1"));
        var (updated, r3) = await maps.CreateOrUpdateAsync(owner, Desired("2"));

        Assert.Equal((OperationResult.Created, OperationResult.Unchanged, OperationResult.Updated), (r1, r2, r3));
        Assert.Equal(created.Metadata.ResourceVersion, same.Metadata.ResourceVersion);
        Assert.Equal("2", updated.Data["v"]);
        var reference = Assert.Single(updated.Metadata.OwnerReferences);
        Assert.Equal((owner.Metadata.Uid, "Widget", "test.tandem.dev/v1", true), (reference.Uid, reference.Kind, reference.ApiVersion, reference.Controller == true));
    }

    [Fact]
    public async Task Create_or_update_of_a_Service_the_server_defaulted_writes_nothing_the_second_time()
    {
        var ns = await fixture.NamespaceAsync("children-defaults");
        var owner = await Client<Widget>().CreateAsync(Widget.Named(ns, "owner"), CancellationToken.None);
        var services = Client<V1Service>();
        V1Service Desired(params int[] ports) => new()
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = new V1ObjectMeta { Name = "owner-svc", NamespaceProperty = ns },
            Spec = new V1ServiceSpec
            {
                Selector = new Dictionary<string, string> { ["app"] = "w" },
                PublishNotReadyAddresses = false,
                Ports = ports.Select(p => new V1ServicePort { Name = $"p{p}", Port = p, TargetPort = p }).ToList(),
            },
        };

        var (created, r1) = await services.CreateOrUpdateAsync(owner, Desired(80, 81));
        var (same, r2) = await services.CreateOrUpdateAsync(owner, Desired(80, 81));
        var (fewer, r3) = await services.CreateOrUpdateAsync(owner, Desired(80));

        Assert.Equal((OperationResult.Created, OperationResult.Unchanged, OperationResult.Updated), (r1, r2, r3));
        Assert.False(string.IsNullOrEmpty(created.Spec.ClusterIP));
        Assert.Equal(created.Metadata.ResourceVersion, same.Metadata.ResourceVersion);
        Assert.Equal([80], fewer.Spec.Ports.Select(p => p.Port));
    }

    [Fact]
    public async Task A_child_controlled_by_another_owner_is_refused()
    {
        var ns = await fixture.NamespaceAsync("children-other");
        var widgets = Client<Widget>();
        var first = await widgets.CreateAsync(Widget.Named(ns, "first"), CancellationToken.None);
        var second = await widgets.CreateAsync(Widget.Named(ns, "second"), CancellationToken.None);
        var maps = Client<V1ConfigMap>();
        await maps.CreateOrUpdateAsync(first, new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "shared", NamespaceProperty = ns } });

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            maps.CreateOrUpdateAsync(second, new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "shared", NamespaceProperty = ns } }));
        Assert.Contains("already controlled by Widget/first", e.Message);
    }

    [Fact]
    public async Task Repeated_events_fold_into_one_event_series_and_new_reasons_make_new_events()
    {
        var ns = await fixture.NamespaceAsync("events");
        var widget = await Client<Widget>().CreateAsync(Widget.Named(ns, "w"), CancellationToken.None);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var recorder = new EventRecorder(Client<Eventsv1Event>(), time, new SwitchableLeadership { Epoch = 0 }, NullLogger<EventRecorder>.Instance);

        await recorder.RecordAsync(widget, EventTypes.Normal, "ScaledUp", "decode 2 -> 4");
        time.Advance(TimeSpan.FromSeconds(10));
        await recorder.RecordAsync(widget, EventTypes.Normal, "ScaledUp", "decode 2 -> 4");
        time.Advance(TimeSpan.FromSeconds(10));
        await recorder.RecordAsync(widget, EventTypes.Normal, "ScaledUp", "decode 2 -> 4");
        await recorder.RecordAsync(widget, EventTypes.Warning, "InvalidSpec", "min > max");

        var events = (await fixture.Client.EventsV1.ListNamespacedEventAsync(ns)).Items;
        Assert.Equal(2, events.Count);
        var scaled = Assert.Single(events, e => e.Reason == "ScaledUp");
        Assert.Equal(3, scaled.Series?.Count);
        Assert.Equal(("Widget", "w", widget.Metadata.Uid, "Normal", "decode 2 -> 4"), (scaled.Regarding.Kind, scaled.Regarding.Name, scaled.Regarding.Uid, scaled.Type, scaled.Note));
        Assert.Null(Assert.Single(events, e => e.Reason == "InvalidSpec").Series);
    }

    [Fact]
    public async Task An_event_repeated_after_the_series_window_starts_a_new_event()
    {
        var ns = await fixture.NamespaceAsync("events-window");
        var widget = await Client<Widget>().CreateAsync(Widget.Named(ns, "w"), CancellationToken.None);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var recorder = new EventRecorder(Client<Eventsv1Event>(), time, new SwitchableLeadership { Epoch = 0 }, NullLogger<EventRecorder>.Instance);

        await recorder.RecordAsync(widget, EventTypes.Normal, "Draining", "pod p-1");
        time.Advance(EventRecorder.SeriesWindow + TimeSpan.FromSeconds(1));
        await recorder.RecordAsync(widget, EventTypes.Normal, "Draining", "pod p-1");

        Assert.Equal(2, (await fixture.Client.EventsV1.ListNamespacedEventAsync(ns)).Items.Count);
    }
}
