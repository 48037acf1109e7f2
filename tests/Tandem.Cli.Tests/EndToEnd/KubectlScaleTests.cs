namespace Tandem.Cli.Tests.EndToEnd;

/// <summary><c>kubectl scale enginepool</c> as a user runs it: said out loud when reverted, clamped where it shows.</summary>
[Collection(EndToEndCollection.Name)]
public class KubectlScaleTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Kubectl_scale_in_operator_mode_gets_a_warning_event_and_condition_naming_scaling_mode()
    {
        await using var fixture = await StackFixture.StartAsync();
        await fixture.ApplyAsync(TestDeployments.Profile + "\n---\n" + TestDeployments.Deployment());
        await fixture.KubectlAsync("wait", "--for=condition=Ready", "infd/chat", "--timeout=60s");

        Assert.Contains("scaled", await fixture.KubectlAsync("scale", "enginepool", "chat-decode", "--replicas=3"));

        var events = await Eventually.HoldsAsync(() => fixture.KubectlAsync("events", "--for", "enginepool/chat-decode"), e => e.Contains("ScaleReverted"), Deadline, "a ScaleReverted event");
        Assert.Contains("Warning", events);
        Assert.Contains("scaling.mode", events);
        var condition = await fixture.KubectlAsync("get", "epool", "chat-decode", "-o", "jsonpath={.status.conditions[?(@.type==\"ExternalScaling\")].message}");
        Assert.Contains("scaling.mode is operator", condition);
    }

    [Fact]
    public async Task Desired_column_shows_the_clamped_replicas_and_wide_output_the_requested_ones()
    {
        await using var fixture = await StackFixture.StartAsync();
        await fixture.ApplyAsync(TestDeployments.Profile + "\n---\n" + TestDeployments.Deployment(mode: "external", decodeMax: 2));
        await fixture.KubectlAsync("wait", "--for=condition=Ready", "infd/chat", "--timeout=60s");

        await fixture.KubectlAsync("scale", "enginepool", "chat-decode", "--replicas=20");

        var columns = await Eventually.HoldsAsync(async () => Columns(await fixture.KubectlAsync("get", "epool", "chat-decode", "-o", "wide")),
            c => c["REQUESTED"] == "20" && c["DESIRED"] == "2", Deadline, "DESIRED 2 (clamped) and REQUESTED 20");
        Assert.Equal("decode", columns["ROLE"]);
        Assert.Contains("ExternalMode", await fixture.KubectlAsync("get", "epool", "chat-decode", "-o", "jsonpath={.status.conditions[?(@.type==\"ExternalScaling\")].reason}"));
    }

    private static Dictionary<string, string> Columns(string table)
    {
        var lines = table.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var row = lines.Single(l => l.StartsWith("chat-decode", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return header.Zip(row).ToDictionary(p => p.First, p => p.Second);
    }
}
