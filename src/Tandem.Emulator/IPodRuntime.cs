using System.Net;
using System.Text.Json.Nodes;

namespace Tandem.Emulator;

/// <summary>
/// Starts whatever stands in for a pod's containers (a process or an in-process server bound to the pod's IP).
/// Called by the kubelet stand-in once the pod is scheduled and has its 127.x.y.z IP; disposing the result stops it.
/// </summary>
public interface IPodRuntime
{
    Task<IAsyncDisposable?> StartAsync(PodStartContext context, CancellationToken ct);
}

/// <summary>What a pod runtime needs: the pod (JSON and typed), its IP, node and declared container ports.</summary>
public sealed record PodStartContext(JsonObject PodJson, k8s.Models.V1Pod Pod, IPAddress PodIP, string NodeName, IReadOnlyList<int> Ports)
{
    public string Namespace => Pod.Metadata.NamespaceProperty;
    public string Name => Pod.Metadata.Name;
}
