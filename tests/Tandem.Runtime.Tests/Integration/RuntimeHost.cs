using System.Collections.Concurrent;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tandem.Runtime.Client;
using Tandem.Runtime.Helpers;
using Tandem.Runtime.Metrics;

namespace Tandem.Runtime.Tests.Integration;

/// <summary>A runtime process in a test: WebApplication on loopback with AddTandemRuntime, its own client and metrics.</summary>
internal sealed class RuntimeHost : IAsyncDisposable
{
    private readonly IKubernetes _client;

    private RuntimeHost(WebApplication app, IKubernetes client, Uri url)
    {
        App = app;
        _client = client;
        Url = url;
    }

    public WebApplication App { get; }

    public Uri Url { get; }

    public IServiceProvider Services => App.Services;

    public static async Task<RuntimeHost> StartAsync(ClusterFixture fixture, IDictionary<string, string?> settings, Action<IServiceCollection> configure)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        // TANDEM_TEST_LOG=1 shows the runtime's log when a test needs diagnosing.
        if (Environment.GetEnvironmentVariable("TANDEM_TEST_LOG") == "1") builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Debug);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(settings);
        var client = fixture.NewClient();
        builder.Services.AddSingleton(client);
        builder.Services.AddSingleton(new RuntimeMetrics(Prometheus.Metrics.NewCustomRegistry()));
        builder.Services.AddTandemRuntime(builder.Configuration);
        configure(builder.Services);
        var app = builder.Build();
        app.MapTandemRuntimeEndpoints();
        await app.StartAsync();
        var url = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return new RuntimeHost(app, client, url);
    }

    public async Task StopAsync() => await App.StopAsync();

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        _client.Dispose();
    }
}

/// <summary>What a test's reconcilers did, shared through DI: calls per key, and an optional gate to hold reconciles.</summary>
internal sealed class Probe(string name = "")
{
    public string Name { get; } = name;

    public ConcurrentQueue<ReconcileRequest> Calls { get; } = new();

    public ConcurrentQueue<string> Finished { get; } = new();

    /// <summary>When set, every reconcile waits for it first.</summary>
    public TaskCompletionSource? Gate { get; set; }
}

/// <summary>A small real reconciler: mirrors spec.size into status and owns one ConfigMap per Widget.</summary>
internal sealed class WidgetReconciler(ICache<Widget> widgets, IResourceClient<Widget> widgetClient, IResourceClient<V1ConfigMap> maps, IEventRecorder events, Probe probe)
    : IReconciler<Widget>
{
    public async Task<ReconcileResult> ReconcileAsync(ReconcileRequest request, CancellationToken cancellationToken)
    {
        probe.Calls.Enqueue(request);
        if (probe.Gate is { } gate) await gate.Task.WaitAsync(cancellationToken);
        var widget = widgets.Get(request.Namespace, request.Name);
        if (widget is null) return ReconcileResult.Done;

        await maps.CreateOrUpdateAsync(widget, new V1ConfigMap
        {
            Metadata = new V1ObjectMeta { Name = widget.Metadata.Name + "-config", NamespaceProperty = widget.Metadata.NamespaceProperty },
            Data = new Dictionary<string, string> { ["size"] = widget.Spec.Size.ToString() },
        }, cancellationToken: cancellationToken);
        var before = widget.Status?.ObservedSize;
        await widgetClient.UpdateStatusAsync(widget, w => w.Status = new WidgetStatus { ObservedSize = w.Spec.Size, Phase = "Ready" }, cancellationToken);
        if (before != widget.Spec.Size) await events.RecordAsync(widget, EventTypes.Normal, "Resized", $"size {widget.Spec.Size}", cancellationToken: cancellationToken);
        probe.Finished.Enqueue($"{request} by {probe.Name}");
        return ReconcileResult.Done;
    }
}
