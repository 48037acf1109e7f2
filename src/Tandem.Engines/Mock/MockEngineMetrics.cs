using System.Globalization;
using System.Text;

namespace Tandem.Engines.Mock;

/// <summary>
/// The mock engine's <c>/metrics</c> in the Prometheus text format under vLLM's metric names, so the vllm adapter is
/// tested against it. Written by hand: prometheus-net rejects the ':' in vLLM's names. Gauges are read from the
/// engine at scrape time; histograms and counters are kept here.
/// </summary>
public sealed class MockEngineMetrics(MockEngine engine, string model)
{
    private static readonly double[] Buckets = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0];

    /// <summary>Tandem's own engine gauge (Prometheus naming: no colon; colons are for recording rules).</summary>
    public const string QueuedPromptTokensName = "tandem_queued_prompt_tokens";

    private readonly object _gate = new();
    private readonly Histogram _ttft = new();
    private readonly Histogram _interToken = new();
    private long _promptTokens;
    private long _generationTokens;

    public void ObservePrompt(int tokens)
    {
        lock (_gate)
        {
            _promptTokens += tokens;
        }
    }

    public void ObserveFirstToken(TimeSpan ttft)
    {
        lock (_gate)
        {
            _ttft.Observe(ttft.TotalSeconds);
            _generationTokens++;
        }
    }

    public void ObserveNextToken(TimeSpan gap)
    {
        lock (_gate)
        {
            _interToken.Observe(gap.TotalSeconds);
            _generationTokens++;
        }
    }

    /// <summary>The exposition text (format 0.0.4); <paramref name="tandemExtras"/> false leaves out what vLLM itself does not export.</summary>
    public string Render(bool tandemExtras = true)
    {
        var status = engine.Status();
        var labels = $"model_name=\"{model.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"";
        var text = new StringBuilder();
        Gauge(text, "vllm:num_requests_running", "Number of requests in model execution batches.", labels, status.RunningRequests);
        Gauge(text, "vllm:num_requests_waiting", "Number of requests waiting to be processed.", labels, status.WaitingRequests);
        Gauge(text, "vllm:kv_cache_usage_perc", "KV-cache usage. 1 means 100 percent usage.", labels, status.TotalKvBlocks > 0 ? (double)status.UsedKvBlocks / status.TotalKvBlocks : 0);
        if (tandemExtras)
        {
            Gauge(text, QueuedPromptTokensName, "Prompt tokens accepted and not yet prefilled.", labels, status.QueuedPromptTokens);
        }

        lock (_gate)
        {
            Counter(text, "vllm:prompt_tokens_total", "Number of prefill tokens processed.", labels, _promptTokens);
            Counter(text, "vllm:generation_tokens_total", "Number of generation tokens processed.", labels, _generationTokens);
            _ttft.Write(text, "vllm:time_to_first_token_seconds", "Histogram of time to first token in seconds.", labels);
            _interToken.Write(text, "vllm:inter_token_latency_seconds", "Histogram of inter-token latency in seconds.", labels);
            if (tandemExtras)
            {
                _interToken.Write(text, "vllm:time_per_output_token_seconds", "Histogram of time per output token in seconds (older name).", labels);
            }
        }

        return text.ToString();
    }

    private static void Gauge(StringBuilder text, string name, string help, string labels, double value) =>
        text.Append("# HELP ").Append(name).Append(' ').AppendLine(help)
            .Append("# TYPE ").Append(name).AppendLine(" gauge")
            .Append(name).Append('{').Append(labels).Append("} ").AppendLine(F(value));

    private static void Counter(StringBuilder text, string name, string help, string labels, double value) =>
        text.Append("# HELP ").Append(name).Append(' ').AppendLine(help)
            .Append("# TYPE ").Append(name).AppendLine(" counter")
            .Append(name).Append('{').Append(labels).Append("} ").AppendLine(F(value));

    private static string F(double value) => double.IsPositiveInfinity(value) ? "+Inf" : value.ToString("R", CultureInfo.InvariantCulture);

    private sealed class Histogram
    {
        private readonly long[] _counts = new long[Buckets.Length];
        private long _count;
        private double _sum;

        public void Observe(double value)
        {
            for (var i = 0; i < Buckets.Length; i++)
            {
                if (value <= Buckets[i])
                {
                    _counts[i]++;
                }
            }

            _count++;
            _sum += value;
        }

        public void Write(StringBuilder text, string name, string help, string labels)
        {
            text.Append("# HELP ").Append(name).Append(' ').AppendLine(help)
                .Append("# TYPE ").Append(name).AppendLine(" histogram");
            for (var i = 0; i < Buckets.Length; i++)
            {
                text.Append(name).Append("_bucket{").Append(labels).Append(",le=\"").Append(F(Buckets[i])).Append("\"} ").AppendLine(F(_counts[i]));
            }

            text.Append(name).Append("_bucket{").Append(labels).Append(",le=\"+Inf\"} ").AppendLine(F(_count));
            text.Append(name).Append("_sum{").Append(labels).Append("} ").AppendLine(F(_sum));
            text.Append(name).Append("_count{").Append(labels).Append("} ").AppendLine(F(_count));
        }
    }
}
