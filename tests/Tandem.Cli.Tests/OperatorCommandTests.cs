namespace Tandem.Cli.Tests;

public class OperatorCommandTests
{
    [Fact]
    public async Task Operator_refuses_a_bad_metrics_address_naming_the_flag()
    {
        var (exit, _, error) = await CliRunner.RunAsync("operator", "--metrics-address", "nope");

        Assert.Equal(2, exit);
        Assert.Contains("--metrics-address", error);
    }

    [Fact]
    public async Task Operator_refuses_a_missing_kubeconfig_naming_the_flag()
    {
        var (exit, _, error) = await CliRunner.RunAsync("operator", "--kubeconfig", "/no/such/kubeconfig");

        Assert.Equal(2, exit);
        Assert.Contains("--kubeconfig", error);
    }

    [Theory]
    [InlineData("--qps", "0")]
    [InlineData("--burst", "0")]
    public async Task Operator_refuses_a_client_limit_that_allows_no_request_naming_the_flag(string flag, string value)
    {
        var (exit, _, error) = await CliRunner.RunAsync("operator", flag, value);

        Assert.Equal(2, exit);
        Assert.Contains(flag, error);
        Assert.DoesNotContain("   at ", error);
    }

    [Fact]
    public async Task Cluster_up_accepts_only_mock_engines()
    {
        var (exit, _, error) = await CliRunner.RunAsync("cluster", "up", "--engines", "vllm");

        Assert.NotEqual(0, exit);
        Assert.Contains("--engines", error);
    }
}
