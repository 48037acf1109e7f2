namespace Tandem.Emulator;

/// <summary>Renders the kubeconfig that points kubectl, helm and KubernetesClient at an emulator.</summary>
public static class Kubeconfig
{
    public const string ContextName = "tandem-emulator";

    public static string Render(Uri server) => $"""
        apiVersion: v1
        kind: Config
        clusters:
        - name: {ContextName}
          cluster:
            server: {server.ToString().TrimEnd('/')}
        users:
        - name: {ContextName}
          user:
            # The emulator does no authentication; KubernetesClient insists on some credential being present.
            token: tandem-emulator
        contexts:
        - name: {ContextName}
          context:
            cluster: {ContextName}
            user: {ContextName}
            namespace: default
        current-context: {ContextName}
        preferences: {"{}"}

        """;
}
