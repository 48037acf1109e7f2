using k8s.Models;
using Tandem.Api.V1Alpha1;
using Tandem.Operator.Instances;

namespace Tandem.Operator.Deployments;

/// <summary>
/// NetworkPolicies that keep a deployment's control surfaces private where the cluster enforces them. Router pods:
/// the OpenAI port from anywhere, everything else (the control port) only from the operator's namespace. Engine pods:
/// only from the operator's namespace and the deployment's own pods (its router, and peers for KV transfer) — this is
/// what protects vLLM's /sleep and /wake_up, which are on its serving port and cannot use Tandem's mutual TLS.
/// </summary>
public static class ControlNetworkPolicies
{
    /// <summary>Name of the policy selecting <paramref name="component"/> pods of <paramref name="deployment"/>.</summary>
    public static string Name(string deployment, string component) => $"{deployment}-{component}";

    /// <summary>The router pods' policy.</summary>
    public static V1NetworkPolicy Router(InferenceDeployment deployment, string operatorNamespace) => Policy(deployment, InstanceLabels.Components.Router,
    [
        new V1NetworkPolicyIngressRule { Ports = [new V1NetworkPolicyPort { Port = deployment.Spec.Router.Port, Protocol = "TCP" }] },
        FromOperator(operatorNamespace),
    ]);

    /// <summary>The engine pods' policy.</summary>
    public static V1NetworkPolicy Engines(InferenceDeployment deployment, string operatorNamespace) => Policy(deployment, InstanceLabels.Components.Engine,
    [
        FromOperator(operatorNamespace),
        new V1NetworkPolicyIngressRule { FromProperty = [new V1NetworkPolicyPeer { PodSelector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { [WellKnownLabels.Deployment] = deployment.Metadata.Name } } }] },
    ]);

    private static V1NetworkPolicyIngressRule FromOperator(string operatorNamespace) => new()
    {
        FromProperty = [new V1NetworkPolicyPeer { NamespaceSelector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = operatorNamespace } } }],
    };

    private static V1NetworkPolicy Policy(InferenceDeployment deployment, string component, List<V1NetworkPolicyIngressRule> rules) => new()
    {
        ApiVersion = "networking.k8s.io/v1",
        Kind = "NetworkPolicy",
        Metadata = new V1ObjectMeta
        {
            Name = Name(deployment.Metadata.Name, component),
            NamespaceProperty = deployment.Metadata.NamespaceProperty,
            Labels = InstanceLabels.ForDeployment(deployment, component),
            OwnerReferences = [Owners.ControllerReference(deployment)],
        },
        Spec = new V1NetworkPolicySpec
        {
            PodSelector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { [WellKnownLabels.Deployment] = deployment.Metadata.Name, [WellKnownLabels.Component] = component } },
            PolicyTypes = ["Ingress"],
            Ingress = rules,
        },
    };
}
