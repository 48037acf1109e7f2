using System.Text.Json.Nodes;
using Tandem.Cli.Tests.EndToEnd;

namespace Tandem.Cli.Tests.Chart;

/// <summary>
/// The Argo CD health check shipped in docs/gitops, run with Lua 5.1 (Argo CD's Lua) on objects the operator wrote on
/// the embedded stack: a fresh object, a Ready deployment and a stalled one.
/// </summary>
[Collection(EndToEndCollection.Name)]
public class ArgoCdHealthCheckTests
{
    private static string Check => Path.Combine(ChartTools.RepositoryRoot, "docs", "gitops", "argocd-health-inferencedeployment.lua");

    [Fact]
    public async Task Argo_cd_lua_check_reads_healthy_when_ready_degraded_when_stalled_and_progressing_before_the_first_status()
    {
        await using var fixture = await StackFixture.StartAsync();
        await fixture.ApplyAsync(TestDeployments.Profile + "\n---\n" + TestDeployments.Deployment());
        await fixture.ApplyAsync(TestDeployments.Deployment("broken").Replace("model: tiny", "model: no-such-model"));
        await fixture.KubectlAsync("wait", "--for=condition=Ready", "infd/chat", "--timeout=60s");
        await fixture.KubectlAsync("wait", "--for=condition=Stalled", "infd/broken", "--timeout=60s");
        var fresh = JsonNode.Parse(await fixture.KubectlAsync("create", "-o", "json", "-f", await WriteAsync(fixture, TestDeployments.Deployment("fresh"))))!;

        Assert.Equal("Healthy", await HealthAsync(JsonNode.Parse(await fixture.KubectlAsync("get", "infd", "chat", "-o", "json"))!));
        Assert.Equal("Healthy", await HealthAsync(JsonNode.Parse(await fixture.KubectlAsync("get", "epool", "chat-decode", "-o", "json"))!));
        Assert.StartsWith("Degraded ModelProfileNotFound", await HealthAsync(JsonNode.Parse(await fixture.KubectlAsync("get", "infd", "broken", "-o", "json"))!, withMessage: true));
        Assert.Equal("Progressing", await HealthAsync(fresh));
    }

    /// <summary>Runs the check with <c>obj</c> set from <paramref name="obj"/> (JSON turned into a Lua table literal).</summary>
    private static async Task<string> HealthAsync(JsonNode obj, bool withMessage = false)
    {
        var harness = Path.Combine(Path.GetTempPath(), $"argocd-health-{Guid.NewGuid():N}.lua");
        await File.WriteAllTextAsync(harness, $"obj = {Lua(obj)}\nlocal hs = dofile([[{Check}]])\nio.write(hs.status{(withMessage ? " .. ' ' .. hs.message" : "")})\n");
        try
        {
            var result = await ExternalProcess.RunAsync("lua5.1", [harness], timeout: TimeSpan.FromMinutes(1));
            return result.EnsureSuccess("lua5.1").Output;
        }
        finally
        {
            File.Delete(harness);
        }
    }

    private static string Lua(JsonNode? node) => node switch
    {
        null => "nil",
        JsonObject o => "{" + string.Join(", ", o.Select(p => $"[{Quote(p.Key)}] = {Lua(p.Value)}")) + "}",
        JsonArray a => "{" + string.Join(", ", a.Select(Lua)) + "}",
        JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.String => Quote(v.GetValue<string>()),
        JsonValue v when v.GetValueKind() is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False => v.ToJsonString(),
        _ => node.ToJsonString(),
    };

    private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal) + "\"";

    private static async Task<string> WriteAsync(StackFixture fixture, string yaml)
    {
        var file = Path.Combine(Path.GetDirectoryName(fixture.Stack.KubeconfigPath)!, $"manifest-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, yaml);
        return file;
    }
}
