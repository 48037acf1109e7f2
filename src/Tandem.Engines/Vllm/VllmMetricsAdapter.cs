using System.Globalization;
using Tandem.Engines.Contract;
using Tandem.Scaling.Lifecycle;

namespace Tandem.Engines.Vllm;

/// <summary>
/// Scrapes a vLLM server's <c>/metrics</c> into the same <see cref="EngineObservation"/> the native status stream gives
/// (as an awake, active engine; <see cref="VllmEngineControl"/> sets the state from its intent and /is_sleeping).
/// TTFT/TPOT means are over the interval since the previous scrape of the same address (cumulative on the first).
/// </summary>
public sealed class VllmMetricsAdapter(HttpClient http, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Dictionary<string, Totals> _previous = new(StringComparer.Ordinal);
    private readonly object _gate = new();

    /// <summary>Scrapes <c>http://{address}/metrics</c> (address = host:port of the serving endpoint).</summary>
    public async Task<EngineObservation> ScrapeAsync(string address, CancellationToken cancel = default)
    {
        var text = await http.GetStringAsync(new Uri($"http://{address}/metrics"), cancel).ConfigureAwait(false);
        return Observe(address, PrometheusTextParser.Parse(text));
    }

    /// <summary>Maps parsed samples of <paramref name="address"/> to an observation.</summary>
    public EngineObservation Observe(string address, IReadOnlyList<PrometheusSample> samples)
    {
        double Sum(string name) => samples.Where(s => s.Name == name).Sum(s => s.Value);
        bool Has(string name) => samples.Any(s => s.Name == name);

        // vLLM renamed gpu_cache_usage_perc to kv_cache_usage_perc (v0.10); read whichever the server has.
        var usage = Has("vllm:kv_cache_usage_perc") ? Max(samples, "vllm:kv_cache_usage_perc") : Max(samples, "vllm:gpu_cache_usage_perc");
        var totalBlocks = samples.Where(s => s.Name == "vllm:cache_config_info")
            .Select(s => s.Labels.TryGetValue("num_gpu_blocks", out var b) && long.TryParse(b, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0)
            .DefaultIfEmpty(0).Max();
        var tpotName = Has("vllm:inter_token_latency_seconds_count") ? "vllm:inter_token_latency_seconds" : "vllm:time_per_output_token_seconds";
        var now = new Totals(Sum("vllm:time_to_first_token_seconds_sum"), Sum("vllm:time_to_first_token_seconds_count"), Sum(tpotName + "_sum"), Sum(tpotName + "_count"));
        Totals before;
        lock (_gate)
        {
            // A counter that went down means the server restarted: start the window afresh.
            before = _previous.TryGetValue(address, out var p) && p.TtftCount <= now.TtftCount && p.TpotCount <= now.TpotCount ? p : new Totals(0, 0, 0, 0);
            _previous[address] = now;
        }

        return new EngineObservation
        {
            Address = address,
            Source = "vllm",
            ObservedAt = _time.GetUtcNow(),
            State = InstanceState.Active,
            Role = null,
            RunningRequests = (int)Sum("vllm:num_requests_running"),
            WaitingRequests = (int)Sum("vllm:num_requests_waiting"),
            KvCacheUsage = usage,
            TotalKvBlocks = totalBlocks,
            UsedKvBlocks = (long)Math.Round(usage * totalBlocks),
            QueuedPromptTokens = (long)Sum(Mock.MockEngineMetrics.QueuedPromptTokensName),
            WeightsLoaded = true,
            MeanTtft = Mean(now.TtftSum - before.TtftSum, now.TtftCount - before.TtftCount),
            MeanTpot = Mean(now.TpotSum - before.TpotSum, now.TpotCount - before.TpotCount),
        };
    }

    /// <summary>Forgets the scrape history of an address whose pod went away.</summary>
    public void Forget(string address)
    {
        lock (_gate)
        {
            _previous.Remove(address);
        }
    }

    private static double Max(IReadOnlyList<PrometheusSample> samples, string name) =>
        samples.Where(s => s.Name == name).Select(s => s.Value).DefaultIfEmpty(0).Max();

    private static TimeSpan? Mean(double sum, double count) => count > 0 ? TimeSpan.FromSeconds(sum / count) : null;

    private readonly record struct Totals(double TtftSum, double TtftCount, double TpotSum, double TpotCount);
}
