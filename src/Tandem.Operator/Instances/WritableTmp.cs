using k8s.Models;

namespace Tandem.Operator.Instances;

/// <summary>The one writable directory of a container whose root filesystem is read-only: /tmp on a small emptyDir (.NET writes there).</summary>
public static class WritableTmp
{
    /// <summary>Name of the volume.</summary>
    public const string VolumeName = "tmp";

    public static V1Volume Volume() => new() { Name = VolumeName, EmptyDir = new V1EmptyDirVolumeSource { SizeLimit = new ResourceQuantity("64Mi") } };

    public static V1VolumeMount Mount() => new() { Name = VolumeName, MountPath = "/tmp" };
}
