using k8s.Models;
using Tandem.Api.V1Alpha1;
using Tandem.Scaling.Lifecycle;

namespace Tandem.Operator.Instances;

/// <summary>Reads and writes the role and state labels of engine pods, and the label sets of Tandem's children.</summary>
public static class InstanceLabels
{
    /// <summary>Labels every object of a deployment carries (children and pods).</summary>
    public static Dictionary<string, string> ForDeployment(InferenceDeployment deployment, string component) => new()
    {
        [WellKnownLabels.Name] = "tandem-" + component,
        [WellKnownLabels.Instance] = deployment.Metadata.Name,
        [WellKnownLabels.Component] = component,
        [WellKnownLabels.ManagedBy] = WellKnownLabels.Manager,
        [WellKnownLabels.PartOf] = "tandem",
        [WellKnownLabels.Deployment] = deployment.Metadata.Name,
    };

    /// <summary>Selector of every engine pod of a deployment.</summary>
    public static string EngineSelector(string deployment) =>
        $"{WellKnownLabels.Deployment}={deployment},{WellKnownLabels.Component}={Components.Engine}";

    /// <summary>Selector of a role's active engine pods (the EnginePool's <c>status.selector</c>).</summary>
    public static string RoleSelector(string deployment, InstanceRole role) =>
        $"{EngineSelector(deployment)},{WellKnownLabels.Role}={Text(role)},{WellKnownLabels.State}={Text(InstanceState.Active)}";

    /// <summary>The label value of a role.</summary>
    public static string Text(InstanceRole role) => role == InstanceRole.Prefill ? "prefill" : "decode";

    /// <summary>The label value of a state.</summary>
    public static string Text(InstanceState state) => state.ToString().ToLowerInvariant();

    /// <summary>The pod's role label, or null.</summary>
    public static InstanceRole? RoleOf(V1Pod pod) =>
        Label(pod, WellKnownLabels.Role) switch
        {
            "prefill" => InstanceRole.Prefill,
            "decode" => InstanceRole.Decode,
            _ => null,
        };

    /// <summary>The pod's state label; Pending when absent or unknown.</summary>
    public static InstanceState StateOf(V1Pod pod) =>
        Enum.TryParse<InstanceState>(Label(pod, WellKnownLabels.State), ignoreCase: true, out var state)
            ? state
            : InstanceState.Pending;

    /// <summary>The value of label <paramref name="key"/> of <paramref name="obj"/>, or null.</summary>
    public static string? Label(k8s.IKubernetesObject<V1ObjectMeta> obj, string key) =>
        obj.Metadata?.Labels is { } labels && labels.TryGetValue(key, out var value) ? value : null;

    /// <summary>Component label values.</summary>
    public static class Components
    {
        public const string Engine = "engine";
        public const string Router = "router";
    }
}
