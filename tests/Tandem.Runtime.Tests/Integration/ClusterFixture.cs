using k8s;
using k8s.Models;
using Tandem.Emulator;
using Tandem.Runtime.Tests.Fakes;

namespace Tandem.Runtime.Tests.Integration;

/// <summary>One emulated API server (loopback) per test class, with the Widget CRD installed.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public EmulatedCluster Cluster { get; private set; } = null!;

    public IKubernetes Client { get; private set; } = null!;

    private int _namespaces;

    public async Task InitializeAsync()
    {
        Cluster = await EmulatedCluster.StartAsync(new EmulatedClusterOptions { BookmarkInterval = TimeSpan.FromSeconds(1) });
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
