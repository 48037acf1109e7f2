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

    /// <summary>The pod's mounted volumes that have host files (Secret volumes): container, mountPath and host directory.</summary>
    public IReadOnlyList<MountedVolume> Mounts { get; init; } = [];

    /// <summary>
    /// Where <paramref name="containerPath"/> of container <paramref name="container"/> is on this host: under a mounted
    /// volume, the volume's host directory; anything else unchanged (the in-process runtime shares the host's files).
    /// </summary>
    public string HostPath(string container, string containerPath)
    {
        var mount = Mounts
            .Where(m => m.Container == container && (containerPath == m.MountPath || containerPath.StartsWith(m.MountPath.TrimEnd('/') + "/", StringComparison.Ordinal)))
            .MaxBy(m => m.MountPath.Length);
        return mount is null ? containerPath : mount.HostDirectory + containerPath[mount.MountPath.TrimEnd('/').Length..];
    }
}

/// <summary>A volume mounted into a container at <paramref name="MountPath"/>, whose files are at <paramref name="HostDirectory"/>.</summary>
public sealed record MountedVolume(string Container, string MountPath, string HostDirectory);
