using System.Net;
using k8s;
using k8s.Autorest;
using Tandem.Emulator;

namespace Tandem.Cli.Tests;

/// <summary><c>tandem cluster faults</c> drives a running emulator's fault injection through its kubeconfig.</summary>
public sealed class ClusterFaultsCommandTests
{
    [Fact]
    public async Task Faults_add_list_and_clear_break_and_heal_the_api_of_the_emulator_behind_the_kubeconfig()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        var dir = Directory.CreateTempSubdirectory("tandem-faults-");
        try
        {
            var kubeconfig = cluster.WriteKubeconfig(Path.Combine(dir.FullName, "kubeconfig"));
            using var client = cluster.CreateClient();

            var added = await CliRunner.RunAsync("cluster", "faults", "add", "--kubeconfig", kubeconfig, "--verb", "list", "--resource", "configmaps", "--status", "429", "--retry-after", "2");
            Assert.True(added.ExitCode == 0, added.Error);
            var refused = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ListNamespacedConfigMapAsync("default"));
            Assert.Equal((HttpStatusCode)429, refused.Response.StatusCode);
            Assert.NotEmpty((await client.CoreV1.ListNamespaceAsync()).Items);

            var listed = await CliRunner.RunAsync("cluster", "faults", "list", "--kubeconfig", kubeconfig);
            Assert.Contains("\"fired\": 1", listed.Output);
            var cleared = await CliRunner.RunAsync("cluster", "faults", "clear", "--kubeconfig", kubeconfig);
            Assert.Equal(0, cleared.ExitCode);
            Assert.NotNull(await client.CoreV1.ListNamespacedConfigMapAsync("default"));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_bad_rule_is_a_usage_error_naming_the_field()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        var dir = Directory.CreateTempSubdirectory("tandem-faults-");
        try
        {
            var kubeconfig = cluster.WriteKubeconfig(Path.Combine(dir.FullName, "kubeconfig"));

            var (exit, _, error) = await CliRunner.RunAsync("cluster", "faults", "add", "--kubeconfig", kubeconfig, "--status", "500", "--percent", "150");

            Assert.Equal(2, exit);
            Assert.StartsWith("error: percent:", error);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
