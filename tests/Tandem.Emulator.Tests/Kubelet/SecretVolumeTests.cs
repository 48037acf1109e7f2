using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Tandem.Emulator.Tests.Support;

namespace Tandem.Emulator.Tests.Kubelet;

/// <summary>The kubelet stand-in mounts Secret volumes as a real kubelet does: files per key, FailedMount until the Secret exists, updates synced.</summary>
public sealed class SecretVolumeTests
{
    private const string Pods = "/api/v1/namespaces/default/pods";
    private const string Secrets = "/api/v1/namespaces/default/secrets";

    private sealed class CapturingRuntime : IPodRuntime
    {
        public ConcurrentDictionary<string, PodStartContext> Started { get; } = new();

        public Task<IAsyncDisposable?> StartAsync(PodStartContext context, CancellationToken ct)
        {
            Started[context.Name] = context;
            return Task.FromResult<IAsyncDisposable?>(null);
        }
    }

    private static JsonObject PodMounting(string name, string secret)
    {
        var pod = Objects.Pod(name);
        pod["spec"]!["volumes"] = new JsonArray(new JsonObject { ["name"] = "certs", ["secret"] = new JsonObject { ["secretName"] = secret } });
        pod["spec"]!["containers"]![0]!["volumeMounts"] = new JsonArray(new JsonObject { ["name"] = "certs", ["mountPath"] = "/etc/certs", ["readOnly"] = true });
        return pod;
    }

    private static JsonObject Secret(string name, string key, string value) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Secret",
        ["metadata"] = new JsonObject { ["name"] = name },
        ["stringData"] = new JsonObject { [key] = value },
    };

    [Fact]
    public async Task A_pod_waits_in_FailedMount_for_its_Secret_then_sees_each_key_as_a_file_under_the_mount_path()
    {
        var runtime = new CapturingRuntime();
        await using var cluster = await EmulatedCluster.StartAsync(new EmulatedClusterOptions { PodRuntime = runtime });
        using var raw = new RawApi(cluster.Url);
        await raw.Post(Pods, PodMounting("p", "tls"));

        await Eventually.Until(async () =>
        {
            var (_, events) = await raw.Get("/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dp");
            return events!["items"]!.AsArray().FirstOrDefault(e => e!["reason"]?.GetValue<string>() == "FailedMount");
        }, "a FailedMount event");
        Assert.False(runtime.Started.ContainsKey("p"));

        await raw.Post(Secrets, Secret("tls", "tls.crt", "first"));
        var context = await Eventually.Until(() => Task.FromResult(runtime.Started.GetValueOrDefault("p")), "the pod started once its Secret exists");
        var file = context.HostPath(context.Pod.Spec.Containers[0].Name, "/etc/certs/tls.crt");
        Assert.NotEqual("/etc/certs/tls.crt", file);
        Assert.Equal("first", await File.ReadAllTextAsync(file));
        Assert.Equal("/other/path", context.HostPath(context.Pod.Spec.Containers[0].Name, "/other/path"));

        var (_, stored) = await raw.Get($"{Secrets}/tls");
        Assert.Null(stored!["stringData"]);
        stored["data"]!["tls.crt"] = Convert.ToBase64String("second"u8.ToArray());
        await raw.Put($"{Secrets}/tls", stored);
        await Eventually.Until(async () => await File.ReadAllTextAsync(file) == "second" ? "updated" : null, "the Secret's update written into the running pod's volume");
    }
}
