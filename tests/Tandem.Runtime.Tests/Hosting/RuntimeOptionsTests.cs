using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tandem.Runtime.Hosting;

namespace Tandem.Runtime.Tests.Hosting;

public sealed class RuntimeOptionsTests
{
    private static RuntimeOptions Bind(params string[] args)
    {
        var configuration = new ConfigurationBuilder().AddCommandLine(args, RuntimeCommandLine.SwitchMappings.ToDictionary()).Build();
        var services = new ServiceCollection().AddLogging().AddTandemRuntime(configuration);
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<RuntimeOptions>>().Value;
    }

    [Fact]
    public void Command_line_flags_bind_the_runtime_options()
    {
        var o = Bind("--namespace", "serving, batch", "--qps", "50", "--burst", "80", "--workers", "4",
            "--resync-period", "00:05:00", "--leader-elect", "true", "--leader-election-id", "tandem", "--leader-election-namespace", "ops");

        Assert.Equal(["serving", "batch"], o.Namespaces);
        Assert.Equal((50d, 80, 4, TimeSpan.FromMinutes(5)), (o.Qps, o.Burst, o.Workers, o.ResyncPeriod));
        Assert.Equal((true, "tandem", "ops"), (o.LeaderElection.Enabled, o.LeaderElection.LeaseName, o.LeaderElection.LeaseNamespace));
    }

    [Fact]
    public void Defaults_watch_all_namespaces_with_two_workers_and_no_leader_election()
    {
        var o = Bind();
        Assert.Empty(o.Namespaces);
        Assert.Equal((50d, 100, 2, false), (o.Qps, o.Burst, o.Workers, o.LeaderElection.Enabled));
    }

    [Fact]
    public void Per_controller_workers_override_the_default()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Runtime:ControllerWorkers:enginepool"] = "8",
        }).Build();
        using var provider = new ServiceCollection().AddLogging().AddTandemRuntime(configuration).BuildServiceProvider();
        var o = provider.GetRequiredService<IOptions<RuntimeOptions>>().Value;
        Assert.Equal((8, 2), (o.WorkersFor("EnginePool"), o.WorkersFor("inferencedeployment")));
    }

    [Theory]
    [InlineData("--workers", "0", "Runtime:Workers (--workers) must be >= 1")]
    [InlineData("--qps", "0", "Runtime:Qps (--qps) must be > 0")]
    [InlineData("--burst", "0", "Runtime:Burst (--burst) must be >= 1")]
    [InlineData("--resync-period", "-00:01:00", "Runtime:ResyncPeriod (--resync-period) must be >= 0")]
    public void Bad_settings_fail_naming_the_flag_and_the_rule(string flag, string value, string message)
    {
        var e = Assert.Throws<OptionsValidationException>(() => Bind(flag, value));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Leader_election_timings_must_nest()
    {
        var e = Assert.Throws<OptionsValidationException>(() => Bind("--leader-elect", "true", "--Runtime:LeaderElection:RenewDeadline", "00:00:20"));
        Assert.Contains("LeaseDuration (00:00:15) must be greater than RenewDeadline (00:00:20)", e.Message);
    }
}
