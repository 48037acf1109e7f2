using k8s.Models;
using Tandem.Api.V1Alpha1;

namespace Tandem.Operator.Instances;

/// <summary>
/// Default securityContexts of engine pods, as strict as each engine allows. Tandem's image runs as a non-root user, so
/// mock pods meet the restricted Pod Security Standard; the vLLM image runs as root (its Hugging Face cache is under
/// /root), so vllm pods get everything restricted asks except runAsNonRoot (baseline) — a template's securityContext
/// with runAsUser and a writable cache volume makes them restricted. Tandem's image also runs on a read-only root
/// filesystem (with /tmp on an emptyDir, <see cref="WritableTmp"/>); vLLM writes caches all over its home and /tmp
/// (Hugging Face, Triton, torch.compile), so its root filesystem stays writable. No engine or router pod gets a
/// ServiceAccount token: they never call the Kubernetes API.
/// </summary>
public static class EngineSecurityDefaults
{
    /// <summary>Whether the adapter's default image runs as a non-root user.</summary>
    public static bool RunsAsNonRoot(EngineAdapter adapter) => adapter == EngineAdapter.Mock;

    /// <summary>The pod-level securityContext of an engine pod.</summary>
    public static V1PodSecurityContext Pod(EngineAdapter adapter) => Pod(RunsAsNonRoot(adapter));

    /// <summary>The engine container's securityContext.</summary>
    public static V1SecurityContext Container(EngineAdapter adapter) => Container(RunsAsNonRoot(adapter));

    /// <summary>A pod-level securityContext; restricted when the image runs as non-root.</summary>
    public static V1PodSecurityContext Pod(bool nonRoot) => new()
    {
        RunAsNonRoot = nonRoot ? true : null,
        SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
    };

    /// <summary>A container securityContext; restricted (and on a read-only root filesystem) when the image is Tandem's non-root one.</summary>
    public static V1SecurityContext Container(bool nonRoot) => new()
    {
        AllowPrivilegeEscalation = false,
        Capabilities = new V1Capabilities { Drop = ["ALL"] },
        RunAsNonRoot = nonRoot ? true : null,
        ReadOnlyRootFilesystem = nonRoot ? true : null,
    };

    /// <summary>Whether the adapter's pods serve EngineControl themselves (then their control port takes mutual TLS).</summary>
    public static bool ServesEngineControl(EngineAdapter adapter) => adapter != EngineAdapter.Vllm;
}
