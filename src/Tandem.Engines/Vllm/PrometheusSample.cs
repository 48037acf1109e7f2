namespace Tandem.Engines.Vllm;

/// <summary>One sample line of the Prometheus text format: metric name, labels and value.</summary>
public sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);
