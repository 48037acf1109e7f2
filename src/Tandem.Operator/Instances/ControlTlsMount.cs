using k8s.Models;
using Tandem.Api.V1Alpha1;

namespace Tandem.Operator.Instances;

/// <summary>How router and engine pods get their control port's certificate: the deployment's Secret, mounted read-only.</summary>
public static class ControlTlsMount
{
    /// <summary>Flag of <c>tandem router</c> and <c>tandem engine</c> naming the mounted directory.</summary>
    public const string Flag = "--control-tls";

    /// <summary>Name of the deployment's control TLS Secret (issued by ControlTls.ControlTlsSecrets).</summary>
    public static string SecretName(string deployment) => deployment + "-control-tls";

    /// <summary>Where router and engine containers mount the Secret.</summary>
    public const string MountPath = "/etc/tandem/control-tls";

    /// <summary>Name of the pod volume holding the Secret.</summary>
    public const string VolumeName = "control-tls";

    /// <summary>Environment variable naming the mounted directory, for native engines (which implement EngineControl themselves).</summary>
    public const string Variable = "TANDEM_CONTROL_TLS_DIR";

    /// <summary>The pod volume of <paramref name="deployment"/>'s control TLS Secret.</summary>
    public static V1Volume Volume(InferenceDeployment deployment) => new()
    {
        Name = VolumeName,
        // The default mode (0644, owned by root): the image's non-root user must read the key, and the container runs
        // nothing else.
        Secret = new V1SecretVolumeSource { SecretName = SecretName(deployment.Metadata.Name) },
    };

    /// <summary>The container's read-only mount of <see cref="Volume"/>.</summary>
    public static V1VolumeMount Mount() => new() { Name = VolumeName, MountPath = MountPath, ReadOnlyProperty = true };

    /// <summary>The arguments that make Tandem's router or mock engine serve mutual TLS on its control port.</summary>
    public static IReadOnlyList<string> Arguments() => [Flag, MountPath];
}
