using Tandem.Api.V1Alpha1;

namespace Tandem.Cli.Tests.EndToEnd;

/// <summary>External mode, bad edits, deletion and operator restarts, driven with kubectl as a user or an SRE would.</summary>
[Collection(EndToEndCollection.Name)]
public class LifecycleEndToEndTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task External_mode_follows_kubectl_scale_on_an_enginepool_clamped_to_the_bounds()
    {
        await using var fixture = await StackFixture.StartAsync();
        await fixture.ApplyAsync(TestDeployments.Profile + "\n---\n" + TestDeployments.Deployment(mode: "external", decodeMax: 3));
        await fixture.KubectlAsync("wait", "--for=condition=Ready", "inferencedeployment/chat", "--timeout=60s");

        await fixture.KubectlAsync("scale", "enginepool", "chat-decode", "--replicas=3");
        await Eventually.HoldsAsync(() => FleetSampler.SampleAsync(fixture, "chat"), s => s.ActiveDecode == 3, Deadline, "three decode instances");

        await fixture.KubectlAsync("scale", "enginepool", "chat-decode", "--replicas=9");
        var limited = await Eventually.HoldsAsync(
            () => fixture.KubectlAsync("get", "enginepool", "chat-decode", "-o", "jsonpath={.status.conditions[?(@.type==\"ScalingLimited\")].status} {.status.desiredReplicas}"),
            s => s == "True 3", Deadline, "the pool clamped to max 3");
        Assert.Equal("True 3", limited);
        Assert.Equal(3, (await FleetSampler.SampleAsync(fixture, "chat")).ActiveDecode);

        await fixture.KubectlAsync("scale", "enginepool", "chat-decode", "--replicas=1");
        await Eventually.HoldsAsync(() => FleetSampler.SampleAsync(fixture, "chat"), s => s.ActiveDecode == 1, Deadline, "back to one decode instance");
    }

    [Fact]
    public async Task Bad_edits_are_refused_or_reported_and_never_touch_running_pods()
    {
        await using var fixture = await StackFixture.StartAsync();
        await fixture.ApplyAsync(TestDeployments.Profile + "\n---\n" + TestDeployments.Deployment());
        await fixture.KubectlAsync("wait", "--for=condition=Ready", "inferencedeployment/chat", "--timeout=60s");
        var before = (await fixture.EnginePodsAsync("chat")).Select(p => p.Metadata.Uid).Order().ToArray();

        // The apiserver refuses a broken rule with a message naming the field.
        var kubectl = await Chart.ChartTools.KubectlAsync();
        var refused = await ExternalProcess.RunAsync(kubectl, ["--kubeconfig", fixture.Stack.KubeconfigPath, "patch", "infd", "chat", "--type=merge", "-p", """{"spec":{"scaling":{"prefill":{"min":5,"max":2}}}}"""]);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("spec.scaling.prefill", refused.Error);
        Assert.Contains("min (5) must be less than or equal to max (2)", refused.Error);

        // A spec only the operator can judge (its ModelProfile is gone) is reported as a condition; pods stay.
        await fixture.KubectlAsync("patch", "infd", "chat", "--type=merge", "-p", """{"spec":{"model":"no-such-model"}}""");
        var reason = await Eventually.HoldsAsync(
            () => fixture.KubectlAsync("get", "infd", "chat", "-o", "jsonpath={.status.conditions[?(@.type==\"Ready\")].reason}"),
            r => r == "ModelProfileNotFound", Deadline, "Ready=False ModelProfileNotFound");
        Assert.Equal("ModelProfileNotFound", reason);
        for (var i = 0; i < 10; i++)
        {
            // Over two seconds (ten autoscaler intervals), nothing is deleted or replaced.
            Assert.Equal(before, (await fixture.EnginePodsAsync("chat")).Select(p => p.Metadata.Uid).Order().ToArray());
            await Task.Delay(TimeSpan.FromMilliseconds(200)); // an observation window (nothing may change), not a synchronisation wait
        }

        await fixture.KubectlAsync("patch", "infd", "chat", "--type=merge", "-p", """{"spec":{"model":"tiny"}}""");
        await fixture.KubectlAsync("wait", "--for=condition=Ready", "inferencedeployment/chat", "--timeout=60s");
    }

    [Fact]
    public async Task Deleting_the_deployment_removes_every_child()
    {
        await using var fixture = await StackFixture.StartAsync();
        await fixture.ApplyAsync(TestDeployments.Profile + "\n---\n" + TestDeployments.Deployment());
        await fixture.KubectlAsync("wait", "--for=condition=Ready", "inferencedeployment/chat", "--timeout=60s");

        await fixture.KubectlAsync("delete", "infd", "chat", "--wait=true");

        var selector = $"{WellKnownLabels.Deployment}=chat";
        var left = await Eventually.HoldsAsync(
            () => fixture.KubectlAsync("get", "pods,services,deployments,enginepools", "-l", selector, "-o", "name"),
            s => s.Trim().Length == 0, Deadline, "every child gone");
        Assert.Equal("", left.Trim());
    }

    [Fact]
    public async Task Operator_restarted_mid_scale_up_converges_without_duplicate_pods()
    {
        await using var fixture = await StackFixture.StartAsync();
        await fixture.ApplyAsync(TestDeployments.Profile + "\n---\n" + TestDeployments.Deployment(standby: 2));

        // Stop the operator as soon as it has begun creating pods, then start a new one.
        await Eventually.HoldsAsync(() => fixture.EnginePodsAsync("chat"), p => p.Count > 0, Deadline, "the first pods");
        await fixture.Stack.StopOperatorAsync();
        await fixture.Stack.StartOperatorAsync();

        await fixture.KubectlAsync("wait", "--for=condition=Ready", "inferencedeployment/chat", "--timeout=60s");
        var settled = await Eventually.HoldsAsync(() => FleetSampler.SampleAsync(fixture, "chat"), s => s.Standby == 2 && s.ActivePrefill == 1 && s.ActiveDecode == 1, Deadline, "1+1 active and 2 standby");
        Assert.Equal(4, settled.Pods);
        var names = (await fixture.EnginePodsAsync("chat")).Select(p => p.Metadata.Name).Order().ToArray();
        Assert.Equal(["chat-engine-0", "chat-engine-1", "chat-engine-2", "chat-engine-3"], names);
    }
}
