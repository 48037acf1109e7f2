using System.Net;
using k8s;
using k8s.Autorest;
using Microsoft.Extensions.Time.Testing;
using Tandem.Emulator.Tests.Support;

namespace Tandem.Emulator.Tests.Core;

public sealed class FaultTests
{
    [Theory]
    [InlineData(429, "TooManyRequests")]
    [InlineData(500, "InternalError")]
    public async Task Injected_failures_answer_the_next_matching_requests_with_a_status(int code, string reason)
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        using var raw = new RawApi(cluster.Url);
        cluster.Faults.FailNext(2, code, "GET", "/configmaps");
        var (c1, body) = await raw.Get("/api/v1/namespaces/default/configmaps");
        Assert.Equal(code, c1);
        Assert.Equal(reason, body!["reason"]!.GetValue<string>());
        Assert.Equal(200, (await raw.Get("/api/v1/namespaces")).Code);
        Assert.Equal(code, (await raw.Get("/api/v1/namespaces/default/configmaps")).Code);
        Assert.Equal(200, (await raw.Get("/api/v1/namespaces/default/configmaps")).Code);
    }

    [Fact]
    public async Task KubernetesClient_sees_an_injected_429_as_an_http_operation_exception()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        var client = cluster.CreateClient();
        cluster.Faults.FailNext(1, 429);
        var e = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ListNamespaceAsync());
        Assert.Equal((HttpStatusCode)429, e.Response.StatusCode);
        Assert.NotEmpty((await client.CoreV1.ListNamespaceAsync()).Items);
    }

    [Fact]
    public async Task Added_latency_holds_requests_until_the_clock_passes_it()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
        await using var cluster = await EmulatedCluster.StartAsync(new EmulatedClusterOptions { TimeProvider = time });
        using var raw = new RawApi(cluster.Url);
        cluster.Faults.Latency = TimeSpan.FromSeconds(5);
        var pending = raw.Get("/api/v1/namespaces");
        await Eventually.True(() => { time.Advance(TimeSpan.FromSeconds(1)); return pending.IsCompleted; }, "the delayed answer");
        Assert.Equal(200, (await pending).Code);
        Assert.True(time.GetUtcNow() >= DateTimeOffset.Parse("2026-01-01T00:00:05Z"));
    }

    [Fact]
    public async Task Fault_settings_reject_bad_values_naming_the_parameter()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        Assert.Contains("count", Assert.Throws<ArgumentOutOfRangeException>(() => cluster.Faults.FailNext(0)).Message);
        Assert.Contains("statusCode", Assert.Throws<ArgumentOutOfRangeException>(() => cluster.Faults.FailNext(1, 200)).Message);
    }
}
