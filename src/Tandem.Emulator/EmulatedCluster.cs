using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tandem.Emulator.Controllers;
using Tandem.Emulator.Crds;
using Tandem.Emulator.Discovery;
using Tandem.Emulator.Faults;
using Tandem.Emulator.Http;
using Tandem.Emulator.Kubelet;
using Tandem.Emulator.Patching;
using Tandem.Emulator.Storage;
using Tandem.Emulator.Watch;

namespace Tandem.Emulator;

/// <summary>An in-process Kubernetes API server emulator and kubelet stand-in on a loopback address.</summary>
public sealed class EmulatedCluster : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<IAsyncDisposable> _controllers;
    private readonly CancellationTokenSource _stopping = new();

    private EmulatedCluster(WebApplication app, Uri url, ObjectStore store, ResourceRegistry registry, EmulatorFaults faults, List<IAsyncDisposable> controllers, TimeSpan startup)
    {
        _app = app;
        Url = url;
        Store = store;
        Registry = registry;
        Faults = faults;
        _controllers = controllers;
        StartupTime = startup;
        ClientConfiguration = new KubernetesClientConfiguration { Host = url.ToString().TrimEnd('/'), Namespace = "default" };
    }

    /// <summary>http://127.0.0.1:&lt;port&gt;</summary>
    public Uri Url { get; }
    public KubernetesClientConfiguration ClientConfiguration { get; }
    /// <summary>Latency, 429/500 injection, dropped watches.</summary>
    public EmulatorFaults Faults { get; }
    /// <summary>The object store behind the API (for tests that need to look underneath).</summary>
    public ObjectStore Store { get; }
    public ResourceRegistry Registry { get; }
    /// <summary>Requests served by verb, with handler time, and watch events sent (benchmarks profile the emulator with it).</summary>
    public RequestStats RequestStats { get; private init; } = new();
    /// <summary>How long <see cref="StartAsync"/> took, from options to a listening server.</summary>
    public TimeSpan StartupTime { get; }

    public static async Task<EmulatedCluster> StartAsync(EmulatedClusterOptions? options = null, CancellationToken ct = default)
    {
        var started = Stopwatch.GetTimestamp();
        options ??= new EmulatedClusterOptions();
        options.Validate();
        var time = options.TimeProvider;
        var loggers = options.LoggerFactory ?? NullLoggerFactory.Instance;
        var registry = new ResourceRegistry();
        var store = new ObjectStore(time, options.MaxHistory);
        store.AddHook(new MetadataValidation());
        store.AddHook(new BuiltinStrategies());
        store.AddHook(new CrdRegistrar(registry));
        store.AddHook(new CustomResourceAdmission());
        var faults = new EmulatorFaults(store);
        var tables = new TableConverter(time);
        var endpoints = new ResourceEndpoints(store, tables, new ManagedFields(time));
        var stats = new RequestStats();
        var watch = new WatchEndpoint(store, tables, options.BookmarkInterval, stats);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (options.LoggerFactory is not null) builder.Services.AddSingleton(options.LoggerFactory);
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Parse(options.ListenAddress), options.Port));
        var app = builder.Build();
        string address = "";
        var handler = new ApiHandler(registry, endpoints, watch, new DiscoveryDocuments(registry), new OpenApiDocuments(registry), faults, time, () => address, loggers.CreateLogger("Tandem.Emulator.Api"), stats);
        app.Run(handler.Handle);
        await app.StartAsync(ct);
        var url = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        address = $"{url.Host}:{url.Port}";

        Seed(store, options);
        var controllers = new List<IAsyncDisposable>
        {
            new GarbageCollector(store, registry, loggers.CreateLogger<GarbageCollector>()),
            new NamespaceController(store, registry, loggers.CreateLogger<NamespaceController>()),
            new KubeletStandIn(store, registry, options, loggers.CreateLogger<KubeletStandIn>()),
            new CrdCleanupController(store, registry, loggers.CreateLogger<CrdCleanupController>()),
            new EndpointsController(store, registry, loggers.CreateLogger<EndpointsController>()),
            new DeploymentController(store, registry, loggers.CreateLogger<DeploymentController>()),
        };
        return new EmulatedCluster(app, url, store, registry, faults, controllers, Stopwatch.GetElapsedTime(started)) { RequestStats = stats };
    }

    public IKubernetes CreateClient() => new Kubernetes(ClientConfiguration);

    /// <summary>Forces 410 Gone for every resourceVersion older than now.</summary>
    public void CompactHistory() => Store.Compact();

    /// <summary>Writes a kubeconfig usable by kubectl and helm (mode 0600, context "tandem-emulator") and returns its path.</summary>
    public string WriteKubeconfig(string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, Kubeconfig.Render(Url));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(full, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return full;
    }

    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested) return;
        _stopping.Cancel();
        Store.DropWatches();
        foreach (var c in _controllers) await c.DisposeAsync();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        _stopping.Dispose();
    }

    private static void Seed(ObjectStore store, EmulatedClusterOptions options)
    {
        var nsType = BuiltinResources.All().First(t => t.Kind == "Namespace");
        foreach (var ns in new[] { "default", "kube-system", "kube-public", "kube-node-lease" })
            store.Create(nsType, "", new JsonObject { ["metadata"] = new JsonObject { ["name"] = ns } });
        var nodeType = BuiltinResources.All().First(t => t.Kind == "Node");
        for (int i = 0; i < options.Nodes; i++) store.Create(nodeType, "", VirtualNodes.Node($"node-{i}", options.GpusPerNode, store.Now()));
        var saType = BuiltinResources.All().First(t => t.Kind == "ServiceAccount");
        store.Create(saType, "default", new JsonObject { ["metadata"] = new JsonObject { ["name"] = "default" } });
    }
}
