using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Tandem.Engines.Load;
using Tandem.Engines.Mock;
using Tandem.Engines.OpenAi;
using Tandem.Engines.Router;
using Tandem.Scaling.Lifecycle;

namespace Tandem.Benchmarks.Engines;

/// <summary>
/// Router throughput and added latency on this machine: the same streamed requests (32-token prompt, 4 tokens) sent
/// straight to a zero-time mock engine, through the router to that engine, and through the router's P/D path
/// (prefill leg + decode leg on two engines). Mean = time per request (OperationsPerInvoke); added latency = Mean at
/// concurrency 1 minus the direct baseline; the Requests/s column is throughput at that concurrency. BenchmarkDotNet
/// writes the table and JSON under BenchmarkDotNet.Artifacts/results/.
/// Run: dotnet run -c Release --project tests/Tandem.Benchmarks -- --filter '*RouterBenchmarks*'
/// </summary>
[Config(typeof(Settings))]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 3, iterationCount: 10)]
[JsonExporterAttribute.Full]
public class RouterBenchmarks
{
    private const int Requests = 256;
    private static readonly MockEngineProfile ZeroTime = new()
    {
        Name = "zero-time", PrefillTokensPerSecond = 1e12, TransferTokensPerSecond = 1e12, DecodeStepMillis = 0, DecodeStepMillisPerRequest = 0,
        LoadFromStorage = TimeSpan.Zero, LoadFromHostCache = TimeSpan.Zero, LoadFromPeer = TimeSpan.Zero,
    };

    private readonly string _prompt = PromptTokens.Build(32);
    private MockEngineServer _both = null!;
    private MockEngineServer _prefill = null!;
    private MockEngineServer _decode = null!;
    private RouterServer _plainRouter = null!;
    private RouterServer _pdRouter = null!;
    private HttpClient _http = null!;

    /// <summary>Requests in flight at once.</summary>
    [Params(1, 16)]
    public int Concurrency { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _both = await MockEngineServer.StartAsync(new MockEngineOptions { HttpPort = 0, ControlPort = 0, Profile = ZeroTime });
        _prefill = await MockEngineServer.StartAsync(new MockEngineOptions { HttpPort = 0, ControlPort = 0, Profile = ZeroTime, Role = InstanceRole.Prefill });
        _decode = await MockEngineServer.StartAsync(new MockEngineOptions { HttpPort = 0, ControlPort = 0, Profile = ZeroTime, Role = InstanceRole.Decode });
        _plainRouter = await RouterServer.StartAsync(new RouterOptions { HttpPort = 0, ControlPort = 0, StaticMembers = [new("x", _both.HttpAddress, null, InstanceState.Active)] });
        _pdRouter = await RouterServer.StartAsync(new RouterOptions
        {
            HttpPort = 0,
            ControlPort = 0,
            StaticMembers = [new("p", _prefill.HttpAddress, InstanceRole.Prefill, InstanceState.Active), new("d", _decode.HttpAddress, InstanceRole.Decode, InstanceState.Active)],
        });
        _http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 });
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _http.Dispose();
        await _pdRouter.DisposeAsync();
        await _plainRouter.DisposeAsync();
        await _decode.DisposeAsync();
        await _prefill.DisposeAsync();
        await _both.DisposeAsync();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Requests, Description = "engine direct")]
    public Task Direct() => SendAsync(_both.HttpUri);

    [Benchmark(OperationsPerInvoke = Requests, Description = "router -> engine")]
    public Task Router() => SendAsync(_plainRouter.HttpUri);

    [Benchmark(OperationsPerInvoke = Requests, Description = "router P/D")]
    public Task RouterPrefillDecode() => SendAsync(_pdRouter.HttpUri);

    private async Task SendAsync(Uri url)
    {
        var client = new StreamingCompletionClient(_http);
        var next = 0;
        var workers = Enumerable.Range(0, Concurrency).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) <= Requests)
            {
                var result = await client.StreamAsync(url, _prompt, 4, () => 0);
                if (!result.Ok)
                {
                    throw new InvalidOperationException(result.Error);
                }
            }
        });
        await Task.WhenAll(workers);
    }

    /// <summary>Adds the requests/s column (per-request mean inverted, times nothing: OperationsPerInvoke already divides).</summary>
    private sealed class Settings : ManualConfig
    {
        public Settings() => AddColumn(new RequestsPerSecondColumn());
    }

    private sealed class RequestsPerSecondColumn : IColumn
    {
        public string Id => nameof(RequestsPerSecondColumn);
        public string ColumnName => "Requests/s";
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => 0;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => "Requests completed per second at this concurrency (1 / mean time per request)";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) =>
            summary[benchmarkCase]?.ResultStatistics is { } stats ? (1e9 / stats.Mean).ToString("N0", System.Globalization.CultureInfo.InvariantCulture) : "-";

        public bool IsAvailable(Summary summary) => true;
        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    }
}
