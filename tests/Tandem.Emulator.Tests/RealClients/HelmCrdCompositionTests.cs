namespace Tandem.Emulator.Tests.RealClients;

/// <summary>
/// README's <c>kubectl apply -f crds/</c> followed by <c>helm install</c>: the two ways that compose (and the one that
/// does not), with the real kubectl 1.34 and helm 4.
/// </summary>
public sealed class HelmCrdCompositionTests
{
    private static string Chart => Path.Combine(RealTools.RepoRoot, "charts", "tandem");
    private static string Crds => Path.Combine(RealTools.RepoRoot, "crds");

    [Fact]
    public async Task After_kubectl_apply_of_crds_helm_install_works_with_crds_install_false_or_take_ownership_and_plain_install_names_the_fix()
    {
        await using var s = await ClientSession.StartAsync();
        await s.KubectlOk("apply", "-f", Crds);

        var plain = await s.Helm("install", "plain", Chart, "--namespace", "plain", "--create-namespace");
        Assert.NotEqual(0, plain.ExitCode);
        Assert.Contains("ownership", plain.Stderr);

        Assert.Contains("STATUS: deployed", await s.HelmOk("install", "without-crds", Chart, "--namespace", "a", "--create-namespace", "--set", "crds.install=false"));
        Assert.Contains("STATUS: deployed", await s.HelmOk("install", "adopting", Chart, "--namespace", "b", "--create-namespace", "--take-ownership",
            "--set", "rbac.aggregateToDefaultRoles=false", "--set", "fullnameOverride=adopting"));
        Assert.Contains("adopting", await s.KubectlOk("get", "crd", "inferencedeployments.serving.tandem.dev", "-o", "jsonpath={.metadata.annotations.meta\\.helm\\.sh/release-name}"));
    }
}
