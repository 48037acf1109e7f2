using k8s.Models;
using Tandem.Api.V1Alpha1;

namespace Tandem.Operator.Instances;

/// <summary>
/// The ports a running engine pod was created with, read from its container ports: a pod is reached on its own ports,
/// not the current spec's, so a port change in the spec never cuts the operator or the routers off the pods that still
/// serve (they are replaced by a rollout). The spec's ports are the fallback for a pod that does not name them.
/// </summary>
public static class EnginePodPorts
{
    /// <summary>The container port the engine serves OpenAI requests on (named <c>http</c>).</summary>
    public static int Serving(V1Pod pod, EngineSpec engine) => Named(pod, "http") ?? engine.Ports.Serving;

    /// <summary>The port the operator controls the engine on: <c>control</c> when the pod has one, else the serving port (vLLM).</summary>
    public static int Control(V1Pod pod, EngineSpec engine) =>
        Named(pod, "control") ?? (EnginePodBuilder.IsVllm(pod, engine) ? Named(pod, "http") : null) ?? EngineImage.ControlPort(engine);

    private static int? Named(V1Pod pod, string name) =>
        pod.Spec?.Containers?.FirstOrDefault(c => c.Name == EnginePodBuilder.ContainerName)?.Ports?.FirstOrDefault(p => p.Name == name)?.ContainerPort;
}
