using Tandem.Engines.Load;
using Tandem.Scaling.Workload;

namespace Tandem.Cli.Tests.EndToEnd;

/// <summary>Load makes the pools grow inside their bounds; when it stops they shrink one instance at a time through
/// drain, warm and standby, and extra standby pods are deleted after the idle timeout — with no request lost.</summary>
[Collection(EndToEndCollection.Name)]
public class ScalingEndToEndTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Load_spike_scales_both_roles_up_within_bounds_then_down_through_warm_and_standby_without_failures()
    {
        await using var fixture = await StackFixture.StartAsync();
        await fixture.ApplyAsync(TestDeployments.Profile + "\n---\n" + TestDeployments.Deployment(prefillMax: 3, decodeMax: 3));
        await fixture.KubectlAsync("wait", "--for=condition=Ready", "inferencedeployment/chat", "--timeout=60s");
        var router = (await fixture.Stack.RouterUrlAsync("chat"))!;

        IReadOnlyList<RequestOutcome> outcomes;
        IReadOnlyList<FleetSample> during;
        await using (var sampler = new FleetSampler(fixture, "chat"))
        {
            using var http = new HttpClient();
            var plan = LoadPlan.FixedRate(rate: 40, count: 200, inputTokens: 600, outputTokens: 40, seed: 7);
            outcomes = await new LoadGenerator(http).RunAsync(plan, new LoadOptions { Url = router, Concurrency = 256, Duration = TimeSpan.FromSeconds(60) });
            during = sampler.Samples;
        }

        Assert.Equal(200, outcomes.Count);
        Assert.All(outcomes, o => Assert.False(o.Failed, o.Error));
        Assert.Contains(during, s => s.ActivePrefill >= 2);
        Assert.Contains(during, s => s.ActiveDecode >= 2);
        Assert.All(during, s => Assert.True(s.ActivePrefill <= 3 && s.ActiveDecode <= 3, s.ToString()));

        await using (var sampler = new FleetSampler(fixture, "chat"))
        {
            // Idle: both pools return to their minimum and the extra pods go once the standby buffer's idle timeout passes.
            var settled = await Eventually.HoldsAsync(() => FleetSampler.SampleAsync(fixture, "chat"),
                s => s.ActivePrefill == 1 && s.ActiveDecode == 1 && s.Warm == 0 && s.Draining == 0 && s.Pods == 3, Deadline, "scale-down to 1+1 and one standby pod");
            Assert.Equal(1, settled.Standby);
            var after = sampler.Samples;
            Assert.Contains(after.Concat(during), s => s.Warm > 0);
            foreach (var (previous, next) in after.Zip(after.Skip(1)))
            {
                // One removal per role per decision (interval 200 ms, samples every 100 ms).
                Assert.True(previous.ActivePrefill - next.ActivePrefill <= 1 && previous.ActiveDecode - next.ActiveDecode <= 1, $"{previous} -> {next}");
            }
        }

        // events.k8s.io/v1, as the operator writes them (the emulator does not mirror them into core/v1 Events).
        var events = await fixture.KubectlAsync("get", "events.events.k8s.io", "-o", "custom-columns=REASON:.reason,OBJECT:.regarding.name");
        Assert.Contains("ScaledUp", events);
        Assert.Contains("Draining", events);
    }
}
