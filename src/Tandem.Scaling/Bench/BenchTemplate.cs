using Tandem.Scaling.Models;

namespace Tandem.Scaling.Bench;

/// <summary>
/// An experiment template (the seeds' batch-runner TOML): what to cross (selection), the models, feature sets and
/// datasets it names, the router settings (list values are extra sweep dimensions) and engine environment.
/// </summary>
public sealed record BenchTemplate(
    string Source,
    IReadOnlyList<string> SelectedModels,
    IReadOnlyList<string> SelectedFeatures,
    IReadOnlyList<string> SelectedDatasets,
    IReadOnlyList<string> Policies,
    IReadOnlyDictionary<string, ModelNumbers> Models,
    IReadOnlyDictionary<string, string> FeatureSets,
    IReadOnlyDictionary<string, DatasetSpec> Datasets,
    IReadOnlyDictionary<string, IReadOnlyList<object>> Router,
    IReadOnlyDictionary<string, string> ExtraEnvs);

/// <summary>A dataset: a trace path (or shipped trace name), the seconds of it to replay, and a load scale.</summary>
public sealed record DatasetSpec(string Trace, double TimeInSeconds, double Scale);

/// <summary>A template error: the message names the section and key.</summary>
public sealed class BenchTemplateException(string message) : FormatException(message);
