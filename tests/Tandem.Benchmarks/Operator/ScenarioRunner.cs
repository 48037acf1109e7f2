using k8s;
using Tandem.Api.V1Alpha1;
using Tandem.Cli.Embedded;

namespace Tandem.Benchmarks.Operator;

/// <summary>What one scenario measured: its samples (all repetitions, path checked or not).</summary>
internal sealed record ScenarioResult(ReactionScenario Scenario, IReadOnlyList<ReactionSample> Samples);

/// <summary>
/// Runs one scenario on the embedded stack: applies its deployment, waits for it to idle in the scenario's state
/// (after a priming step for the warm path), then repeats measured load steps, waiting for the idle state before each;
/// finally deletes the deployment and waits for its pods to go, so the next scenario has the machine to itself.
/// </summary>
internal sealed class ScenarioRunner(EmbeddedStack stack, HttpClient http, Action<string> log)
{
    private static readonly TimeSpan SettleDeadline = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan DeleteDeadline = TimeSpan.FromSeconds(30);

    /// <summary>The idle state must hold this long (over two autoscaler intervals) before a step.</summary>
    private static readonly TimeSpan Steady = TimeSpan.FromMilliseconds(600);

    public async Task<ScenarioResult> RunAsync(ReactionScenario scenario, int repetitions, CancellationToken cancel)
    {
        await stack.ApplyAsync(scenario.DeploymentYaml(), cancel: cancel).ConfigureAwait(false);
        var samples = new List<ReactionSample>();
        await using (var recorder = new ClusterRecorder(stack.Client, scenario.Deployment))
        {
            var router = await WaitForRouterAsync(scenario.Deployment, cancel).ConfigureAwait(false);
            var step = new ReactionStep(recorder, http, router);
            if (scenario.NeedsPriming)
            {
                await SettleAsync(scenario.Deployment, recorder, f => f.ActivePrefill == 1 && f.ActiveDecode == 1 && f.Draining == 0 && f.Loading == 0, "1+1 active", cancel).ConfigureAwait(false);
                var priming = await step.RunAsync(0, scenario.ExpectedAction, cancel).ConfigureAwait(false);
                log($"  priming step: {priming.ActionPath} -> {priming.ServingPod} serving after {priming.ServingMs:F0} ms");
            }

            for (var rep = 1; rep <= repetitions; rep++)
            {
                await SettleAsync(scenario.Deployment, recorder, scenario.IsIdle, scenario.IdleDescription, cancel).ConfigureAwait(false);
                var sample = await step.RunAsync(rep, scenario.ExpectedAction, cancel).ConfigureAwait(false);
                samples.Add(sample);
                log($"  rep {rep}: first action {sample.FirstActionMs:F0} ms ({sample.ActionPath}{(sample.PathMatched ? "" : ", NOT the path meant")}), " +
                    $"Activate {(sample.FirstActivateMs is { } a ? $"{a:F0} ms" : "-")}, {sample.ServingPod} serving as {sample.ServingRole} after {sample.ServingMs:F0} ms");
            }
        }

        await DeleteAsync(scenario.Deployment, cancel).ConfigureAwait(false);
        return new ScenarioResult(scenario, samples);
    }

    private async Task<Uri> WaitForRouterAsync(string deployment, CancellationToken cancel)
    {
        var until = DateTime.UtcNow + SettleDeadline;
        while (true)
        {
            if (await stack.RouterUrlAsync(deployment, cancel: cancel).ConfigureAwait(false) is { } url)
            {
                return url;
            }

            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"the router of {deployment} was not ready within {SettleDeadline.TotalSeconds:F0} s");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancel).ConfigureAwait(false);
        }
    }

    private async Task SettleAsync(string deployment, ClusterRecorder recorder, Func<FleetCounts, bool> idle, string what, CancellationToken cancel)
    {
        var until = DateTime.UtcNow + SettleDeadline;
        DateTime? heldSince = null;
        while (true)
        {
            var counts = FleetCounts.Of(recorder.Pods);
            heldSince = idle(counts) ? heldSince ?? DateTime.UtcNow : null;
            if (heldSince is { } since && DateTime.UtcNow - since >= Steady)
            {
                return;
            }

            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"the fleet did not settle to {what} within {SettleDeadline.TotalSeconds:F0} s; last seen: {counts}; " +
                    $"deployment status: {await StatusAsync(deployment, cancel).ConfigureAwait(false)}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), cancel).ConfigureAwait(false);
        }
    }

    /// <summary>The deployment's per-role status and last decision, to say why a fleet did not settle.</summary>
    private async Task<string> StatusAsync(string deployment, CancellationToken cancel)
    {
        var item = (System.Text.Json.JsonElement)await stack.Client.CustomObjects.GetNamespacedCustomObjectAsync(
            ApiGroup.Group, ApiGroup.Version, "default", "inferencedeployments", deployment, cancel).ConfigureAwait(false);
        return item.TryGetProperty("status", out var status)
            ? string.Join("; ", new[] { "prefill", "decode", "lastDecision" }.Select(p => status.TryGetProperty(p, out var v) ? $"{p} {v.GetRawText()}" : $"{p} -"))
            : "no status";
    }

    private async Task DeleteAsync(string deployment, CancellationToken cancel)
    {
        await stack.Client.CustomObjects.DeleteNamespacedCustomObjectAsync(ApiGroup.Group, ApiGroup.Version, "default", "inferencedeployments", deployment, cancellationToken: cancel).ConfigureAwait(false);
        var until = DateTime.UtcNow + DeleteDeadline;
        var selector = $"{WellKnownLabels.Deployment}={deployment}";
        // Terminating pods do not count: their mock engines are stopping and take no more work.
        while ((await stack.Client.CoreV1.ListNamespacedPodAsync("default", labelSelector: selector, cancellationToken: cancel).ConfigureAwait(false)).Items
            .Where(p => p.Metadata.DeletionTimestamp is null).Select(p => p.Metadata.Name).ToArray() is { Length: > 0 } left)
        {
            if (DateTime.UtcNow > until)
            {
                log($"  (pods of {deployment} still present {DeleteDeadline.TotalSeconds:F0} s after its deletion: {string.Join(", ", left)}; going on)");
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancel).ConfigureAwait(false);
        }
    }
}
