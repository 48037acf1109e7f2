using System.Text;
using BenchmarkDotNet.Attributes;
using Tandem.Emulator;

namespace Tandem.Benchmarks.Emulator;

/// <summary>
/// The API emulator's costs: start-up to a listening server (the issue asks for under a second), and a create, a get
/// and a 100-item list over loopback HTTP. Run: dotnet run -c Release --project tests/Tandem.Benchmarks -- --filter '*EmulatorBenchmarks*'
/// </summary>
[MemoryDiagnoser]
[JsonExporterAttribute.Full]
public class EmulatorBenchmarks
{
    private EmulatedCluster _cluster = null!;
    private HttpClient _http = null!;
    private int _next;

    [GlobalSetup]
    public async Task Setup()
    {
        _cluster = await EmulatedCluster.StartAsync(new EmulatedClusterOptions { Nodes = 2 });
        _http = new HttpClient { BaseAddress = _cluster.Url };
        for (int i = 0; i < 100; i++) await CreateOne($"seed-{i}");
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        _http.Dispose();
        await _cluster.DisposeAsync();
    }

    [Benchmark(Description = "start + stop an emulator")]
    public async Task StartStop()
    {
        await using var c = await EmulatedCluster.StartAsync();
    }

    [Benchmark(Description = "create a ConfigMap")]
    public Task Create() => CreateOne($"cm-{Interlocked.Increment(ref _next)}");

    [Benchmark(Description = "get a ConfigMap")]
    public async Task<string> Get() => await _http.GetStringAsync("/api/v1/namespaces/default/configmaps/seed-1");

    [Benchmark(Description = "list 100 ConfigMaps")]
    public async Task<string> List() => await _http.GetStringAsync("/api/v1/namespaces/default/configmaps?labelSelector=bench%3Dyes");

    private async Task CreateOne(string name)
    {
        var bench = name.StartsWith("seed", StringComparison.Ordinal) ? "yes" : "no";
        var body = "{\"metadata\":{\"name\":\"" + name + "\",\"labels\":{\"bench\":\"" + bench + "\"}},\"data\":{\"k\":\"v\"}}";
        using var r = await _http.PostAsync("/api/v1/namespaces/default/configmaps", new StringContent(body, Encoding.UTF8, "application/json"));
        r.EnsureSuccessStatusCode();
    }
}
