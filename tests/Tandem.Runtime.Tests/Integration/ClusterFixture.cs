using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Tandem.Emulator;
using Tandem.Runtime.Tests.Fakes;

namespace Tandem.Runtime.Tests.Integration;

/// <summary>One emulated API server (loopback) per test class, with the Widget CRD installed.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public EmulatedCluster Cluster { get; private set; } = null!;

    /// <summary>The client tests write with (a separate client from the runtime's, as another process would be).</summary>
    public IKubernetes Client { get; private set; } = null!;

    /// <summary>A fresh client for the runtime under test.</summary>
    public IKubernetes NewClient() => Cluster.CreateClient();

    private int _namespaces;

    public async Task InitializeAsync()
    {
        // TANDEM_TEST_LOG=1 shows the emulator's own log when a test needs diagnosing.
        var loggers = Environment.GetEnvironmentVariable("TANDEM_TEST_LOG") == "1"
            ? LoggerFactory.Create(b => b.AddSimpleConsole().SetMinimumLevel(LogLevel.Debug))
            : null;
        Cluster = await EmulatedCluster.StartAsync(new EmulatedClusterOptions { BookmarkInterval = TimeSpan.FromSeconds(1), LoggerFactory = loggers });
        Client = Cluster.CreateClient();
        await Client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(Widget.Definition());
    }

    /// <summary>A fresh namespace so tests in one class do not see each other's objects.</summary>
    public async Task<string> NamespaceAsync(string prefix)
    {
        var name = $"{prefix}-{Interlocked.Increment(ref _namespaces)}";
        await Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = name } });
        return name;
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Cluster.DisposeAsync();
    }
}
