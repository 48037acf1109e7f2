using k8s;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Tandem.Cli.Embedded;

namespace Tandem.Cli.Tests.EndToEnd;

/// <summary>
/// The CI version of the fleet benchmark (tests/Tandem.Benchmarks -- fleet): 20 InferenceDeployments on the embedded
/// stack. Once Ready, the operator makes no API write while every deployment's autoscaler ticks ten times (a
/// window counted in ticks, not time), and changing one deployment costs requests for that one only.
/// </summary>
[Collection(EndToEndCollection.Name)]
public partial class FleetSteadyStateTests
{
    private const int Deployments = 20;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);
    private static readonly string[] WriteVerbs = ["POST", "PUT", "PATCH", "DELETE"];

    [Fact]
    public async Task A_steady_fleet_costs_no_api_write_and_one_change_costs_requests_for_one_deployment()
    {
        // Sixty pod servers in this process: without this each watches appsettings.json with one of the user's 128 inotify instances.
        Environment.SetEnvironmentVariable("DOTNET_hostBuilder__reloadConfigOnChange", "false");
        await using var stack = await EmbeddedStack.StartAsync(new EmbeddedStackOptions { Nodes = 6, GpusPerNode = 8 });
        var yaml = new StringBuilder(TestDeployments.Profile);
        for (var i = 0; i < Deployments; i++)
        {
            yaml.Append("\n---\n").Append(TestDeployments.Deployment(name: $"fleet-{i:D2}", features: "[]", standby: 0, prefillMax: 2, decodeMax: 2));
        }

        await stack.ApplyAsync(yaml.ToString());
        using var http = new HttpClient();
        var url = stack.OperatorMetricsUrl!;
        await Eventually.HoldsAsync(() => ReadyCountAsync(stack), n => n == Deployments, Deadline, $"all {Deployments} deployments Ready");

        // Converged: a window in which every deployment's autoscaler ticked ten times saw no write.
        var steady = await Eventually.HoldsAsync(async () => await QuietWindowAsync(http, url), w => w.Writes == 0, Deadline, "a window of ticks without a write");

        // Measured: another window of ten ticks per deployment; no write, and the status reconciler ran on events only.
        var versions = await VersionsAsync(stack);
        var window = await WindowAsync(http, url, ticksPerDeployment: 10);
        var moved = (await VersionsAsync(stack)).Where(kv => versions.GetValueOrDefault(kv.Key) != kv.Value).Select(kv => kv.Key);
        Assert.True(window.Writes == 0, $"writes in a steady window of {window.Ticks} autoscaler ticks: {window.Writes} ({window.ByVerb}); changed: {string.Join(", ", moved)}");
        Assert.True(window.StatusReconciles <= Deployments, $"{window.StatusReconciles} status reconciles of {Deployments} steady deployments in {window.Ticks} ticks");
        Assert.True(steady.Ticks >= 10 * Deployments);

        // One change: its requests are a handful, not a pass over the fleet.
        var before = Counters(await http.GetStringAsync(url));
        var patch = new k8s.Models.V1Patch("{\"spec\":{\"scaling\":{\"prefill\":{\"min\":2}}}}", k8s.Models.V1Patch.PatchType.MergePatch);
        await stack.Client.CustomObjects.PatchNamespacedCustomObjectAsync(patch, Tandem.Api.V1Alpha1.ApiGroup.Group, Tandem.Api.V1Alpha1.ApiGroup.Version, "default", "inferencedeployments", "fleet-00");
        await Eventually.HoldsAsync(() => ReadyPrefillAsync(stack, "fleet-00"), n => n == 2, Deadline, "fleet-00 Ready with two prefill engines");
        await Eventually.HoldsAsync(async () => await QuietWindowAsync(http, url), w => w.Writes == 0, Deadline, "quiet again after the change");
        var after = Counters(await http.GetStringAsync(url));
        var cost = WriteVerbs.Sum(v => after.Requests.GetValueOrDefault(v) - before.Requests.GetValueOrDefault(v));
        Assert.True(cost is > 0 and < 60, $"writes for one changed deployment: {cost}");
    }

    private static async Task<Window> QuietWindowAsync(HttpClient http, string url) => await WindowAsync(http, url, ticksPerDeployment: 10);

    /// <summary>Counts the operator's writes while the autoscaler runs <paramref name="ticksPerDeployment"/> ticks per deployment.</summary>
    private static async Task<Window> WindowAsync(HttpClient http, string url, int ticksPerDeployment)
    {
        var start = Counters(await http.GetStringAsync(url));
        var end = await Eventually.HoldsAsync(async () => Counters(await http.GetStringAsync(url)),
            c => c.AutoscalerTicks - start.AutoscalerTicks >= ticksPerDeployment * Deployments, Deadline, $"{ticksPerDeployment} autoscaler ticks per deployment");
        var byVerb = string.Join(", ", end.Requests.Select(kv => $"{kv.Key} {kv.Value - start.Requests.GetValueOrDefault(kv.Key)}"));
        return new Window(
            WriteVerbs.Sum(v => end.Requests.GetValueOrDefault(v) - start.Requests.GetValueOrDefault(v)),
            end.AutoscalerTicks - start.AutoscalerTicks,
            end.StatusReconciles - start.StatusReconciles,
            byVerb);
    }

    private static (Dictionary<string, double> Requests, double AutoscalerTicks, double StatusReconciles) Counters(string scrape)
    {
        var requests = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (Match m in RestRequests().Matches(scrape))
        {
            requests[m.Groups["method"].Value] = requests.GetValueOrDefault(m.Groups["method"].Value) + double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture);
        }

        return (requests, Sum(scrape, "autoscaler"), Sum(scrape, "inferencedeployment"));
    }

    private static double Sum(string scrape, string controller) =>
        ReconcileTotal().Matches(scrape).Where(m => m.Groups["controller"].Value == controller).Sum(m => double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture));

    /// <summary>resourceVersion of every Tandem object and pod, by kind/name: what a write moved.</summary>
    private static async Task<Dictionary<string, string>> VersionsAsync(EmbeddedStack stack)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var plural in new[] { "inferencedeployments", "enginepools" })
        {
            var list = (System.Text.Json.JsonElement)await stack.Client.CustomObjects.ListNamespacedCustomObjectAsync(Tandem.Api.V1Alpha1.ApiGroup.Group, Tandem.Api.V1Alpha1.ApiGroup.Version, "default", plural);
            foreach (var item in list.GetProperty("items").EnumerateArray())
            {
                var meta = item.GetProperty("metadata");
                result[$"{plural}/{meta.GetProperty("name").GetString()}"] = meta.GetProperty("resourceVersion").GetString()!;
            }
        }

        foreach (var pod in (await stack.Client.CoreV1.ListNamespacedPodAsync("default")).Items)
        {
            result[$"pods/{pod.Metadata.Name}"] = pod.Metadata.ResourceVersion;
        }

        return result;
    }

    private static async Task<int> ReadyCountAsync(EmbeddedStack stack)
    {
        var list = (System.Text.Json.JsonElement)await stack.Client.CustomObjects.ListNamespacedCustomObjectAsync(Tandem.Api.V1Alpha1.ApiGroup.Group, Tandem.Api.V1Alpha1.ApiGroup.Version, "default", "inferencedeployments");
        return list.GetProperty("items").EnumerateArray().Count(i => i.TryGetProperty("status", out var s) && s.TryGetProperty("conditions", out var c)
            && c.EnumerateArray().Any(x => x.GetProperty("type").GetString() == "Ready" && x.GetProperty("status").GetString() == "True"));
    }

    private static async Task<int> ReadyPrefillAsync(EmbeddedStack stack, string name)
    {
        var item = (System.Text.Json.JsonElement)await stack.Client.CustomObjects.GetNamespacedCustomObjectAsync(Tandem.Api.V1Alpha1.ApiGroup.Group, Tandem.Api.V1Alpha1.ApiGroup.Version, "default", "inferencedeployments", name);
        return item.TryGetProperty("status", out var s) && s.TryGetProperty("prefill", out var p) && p.TryGetProperty("readyReplicas", out var r) ? r.GetInt32() : 0;
    }

    private sealed record Window(double Writes, double Ticks, double StatusReconciles, string ByVerb);

    [GeneratedRegex("""^rest_client_requests_total\{[^}]*method="(?<method>[A-Z]+)"[^}]*\} (?<value>\S+)$""", RegexOptions.Multiline)]
    private static partial Regex RestRequests();

    [GeneratedRegex("""^controller_runtime_reconcile_total\{[^}]*controller="(?<controller>[a-z]+)"[^}]*\} (?<value>\S+)$""", RegexOptions.Multiline)]
    private static partial Regex ReconcileTotal();
}
