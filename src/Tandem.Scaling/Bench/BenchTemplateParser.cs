using System.Globalization;
using Tomlyn;
using Tomlyn.Model;
using Tandem.Scaling.Models;
using Tandem.Scaling.Policies;
using Tandem.Scaling.Workload;

namespace Tandem.Scaling.Bench;

/// <summary>
/// Reads an experiment template (TOML, parsed by Tomlyn) into a <see cref="BenchTemplate"/>, checking every name the
/// selection uses; every error names the section and key.
/// </summary>
public static class BenchTemplateParser
{
    private static readonly string[] Sections = ["global", "selection", "server", "router", "models", "features", "datasets", "extra-envs"];

    private static readonly string[] ModelKeys =
    [
        "tokens_prefilled_per_sec", "tokens_transferred_per_sec", "num_hidden_layers", "num_available_blocks", "tp_size",
        "load_from_storage_secs", "load_from_host_cache_secs", "load_from_peer_secs", "cold_start_secs",
        "decode_step_base_millis", "decode_step_per_seq_millis", "tpot_slo_millis", "max_batch_tokens",
    ];

    /// <summary>Reads the template file at <paramref name="path"/>; relative dataset paths resolve against its folder.</summary>
    public static BenchTemplate Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"TEMPLATE: no file '{path}' (looked for {Path.GetFullPath(path)}).", path);
        }

        return Parse(File.ReadAllText(path), path);
    }

    public static BenchTemplate Parse(string text, string source)
    {
        TomlTable root;
        try
        {
            root = TomlSerializer.Deserialize<TomlTable>(text)!;
        }
        catch (TomlException e)
        {
            throw new BenchTemplateException($"{source}: not valid TOML: {e.Message}");
        }

        foreach (var key in root.Keys.Where(k => !Sections.Contains(k)))
        {
            throw new BenchTemplateException($"[{key}]: unknown section; known: {string.Join(", ", Sections.Select(s => $"[{s}]"))}.");
        }

        var baseDir = Path.GetDirectoryName(Path.GetFullPath(source)) ?? ".";
        var global = Table(root, "global");
        var selection = Table(root, "selection");
        var models = Table(root, "models").ToDictionary(kv => kv.Key, kv => Model(kv.Key, AsTable(kv.Value, $"[models.{kv.Key}]")));
        var features = Table(root, "features").ToDictionary(kv => kv.Key, kv => AsString(kv.Value, $"[features] {kv.Key}"));
        var datasets = Table(root, "datasets").ToDictionary(kv => kv.Key, kv => Dataset(kv.Key, AsTable(kv.Value, $"[datasets.{kv.Key}]"), baseDir));
        var router = Table(root, "router").ToDictionary(kv => kv.Key, kv => Values(kv.Value, $"[router] {kv.Key}"));
        foreach (var key in router.Keys.Where(k => !RouterSettings.Keys.Contains(k)))
        {
            throw new BenchTemplateException($"[router] {key}: unknown key; known: {string.Join(", ", RouterSettings.Keys)}.");
        }

        var envs = Table(root, "extra-envs").ToDictionary(kv => kv.Key, kv => Convert.ToString(kv.Value, CultureInfo.InvariantCulture) ?? "");

        var selectedModels = Names(selection, "models", models.Keys, "models");
        var selectedFeatures = Names(selection, "features", features.Keys, "features");
        var selectedDatasets = Names(selection, "datasets", datasets.Keys, "datasets");
        foreach (var name in selectedFeatures)
        {
            FeatureWords.Parse(features[name], $"[features] {name}");
        }

        var policies = global.TryGetValue("policy", out var p)
            ? Values(p, "[global] policy").Select(v => v as string ?? throw new BenchTemplateException("[global] policy: must be a policy name or a list of them.")).ToArray()
            : ["bounds"];
        foreach (var policy in policies)
        {
            try
            {
                ScalingPolicies.Create(policy, "[global] policy");
            }
            catch (ArgumentException e)
            {
                throw new BenchTemplateException(e.Message);
            }
        }

        return new BenchTemplate(source, selectedModels, selectedFeatures, selectedDatasets, policies, models, features, datasets, router, envs);
    }

    private static TomlTable Table(TomlTable root, string name) =>
        !root.TryGetValue(name, out var value) ? new TomlTable() : AsTable(value, $"[{name}]");

    private static TomlTable AsTable(object value, string field) =>
        value as TomlTable ?? throw new BenchTemplateException($"{field}: must be a table.");

    private static string AsString(object value, string field) =>
        value as string ?? throw new BenchTemplateException($"{field}: must be a string.");

    private static IReadOnlyList<object> Values(object value, string field)
    {
        if (value is TomlArray array)
        {
            if (array.Count == 0)
            {
                throw new BenchTemplateException($"{field}: an empty list sweeps nothing; give at least one value.");
            }

            return array.Select(v => v ?? throw new BenchTemplateException($"{field}: list holds an empty value.")).ToArray();
        }

        return value is TomlTable ? throw new BenchTemplateException($"{field}: must be a value or a list of values.") : [value];
    }

    private static IReadOnlyList<string> Names(TomlTable selection, string key, IEnumerable<string> defined, string section)
    {
        if (!selection.TryGetValue(key, out var value))
        {
            throw new BenchTemplateException($"[selection] {key}: missing; list the [{section}] entries to run.");
        }

        var names = Values(value, $"[selection] {key}").Select(v => v as string ?? throw new BenchTemplateException($"[selection] {key}: must list names.")).ToArray();
        var known = defined.ToHashSet();
        foreach (var name in names.Where(n => !known.Contains(n) && !(section == "models" && SeedModels.TryGet(n, out _))))
        {
            throw new BenchTemplateException($"[selection] {key}: '{name}' is not defined in [{section}] (defined: {string.Join(", ", known)}).");
        }

        return names;
    }

    private static ModelNumbers Model(string name, TomlTable table)
    {
        foreach (var key in table.Keys.Where(k => !ModelKeys.Contains(k)))
        {
            throw new BenchTemplateException($"[models.{name}] {key}: unknown key; known: {string.Join(", ", ModelKeys)}.");
        }

        double? Get(string key)
        {
            if (!table.TryGetValue(key, out var v))
            {
                return null;
            }

            var x = v switch
            {
                long l => l,
                double d => d,
                _ => throw new BenchTemplateException($"[models.{name}] {key}: must be a number (got '{v}')."),
            };
            return x > 0 ? x : throw new BenchTemplateException($"[models.{name}] {key}: must be > 0.");
        }

        double Need(string key) => Get(key) ?? throw new BenchTemplateException($"[models.{name}] {key}: missing (needed for a model that is not one of {string.Join(", ", SeedModels.Names)}).");

        var known = SeedModels.TryGet(name, out var seed);
        var numbers = new ModelNumbers
        {
            Name = name,
            PrefillTokensPerSecond = known ? Get("tokens_prefilled_per_sec") ?? seed.PrefillTokensPerSecond : Need("tokens_prefilled_per_sec"),
            TransferTokensPerSecond = known ? Get("tokens_transferred_per_sec") ?? seed.TransferTokensPerSecond : Need("tokens_transferred_per_sec"),
            KvBlocksPerInstance = (int)(known ? Get("num_available_blocks") ?? seed.KvBlocksPerInstance : Need("num_available_blocks")),
        };
        var baseline = known ? seed with { Name = name } : numbers;
        TimeSpan Seconds(string key, TimeSpan fallback) => Get(key) is { } s ? TimeSpan.FromSeconds(s) : fallback;
        TimeSpan Millis(string key, TimeSpan fallback) => Get(key) is { } s ? TimeSpan.FromMilliseconds(s) : fallback;
        return baseline with
        {
            PrefillTokensPerSecond = numbers.PrefillTokensPerSecond,
            TransferTokensPerSecond = numbers.TransferTokensPerSecond,
            KvBlocksPerInstance = numbers.KvBlocksPerInstance,
            NumHiddenLayers = (int)(Get("num_hidden_layers") ?? baseline.NumHiddenLayers),
            GpusPerInstance = (int)(Get("tp_size") ?? baseline.GpusPerInstance),
            LoadFromStorage = Seconds("load_from_storage_secs", baseline.LoadFromStorage),
            LoadFromHostCache = Seconds("load_from_host_cache_secs", baseline.LoadFromHostCache),
            LoadFromPeer = Seconds("load_from_peer_secs", baseline.LoadFromPeer),
            ColdStart = Seconds("cold_start_secs", baseline.ColdStart),
            DecodeStepBase = Millis("decode_step_base_millis", baseline.DecodeStepBase),
            DecodeStepPerSequence = Millis("decode_step_per_seq_millis", baseline.DecodeStepPerSequence),
            TpotSlo = Millis("tpot_slo_millis", baseline.TpotSlo),
            MaxBatchTokens = (int)(Get("max_batch_tokens") ?? baseline.MaxBatchTokens),
        };
    }

    private static DatasetSpec Dataset(string name, TomlTable table, string baseDir)
    {
        foreach (var key in table.Keys.Where(k => k is not ("dataset_path" or "time_in_secs" or "scale")))
        {
            throw new BenchTemplateException($"[datasets.{name}] {key}: unknown key; known: dataset_path, time_in_secs, scale.");
        }

        var path = table.TryGetValue("dataset_path", out var p) ? AsString(p, $"[datasets.{name}] dataset_path") : name;
        double Number(string key, double fallback) =>
            !table.TryGetValue(key, out var v) ? fallback
            : v switch
            {
                long l when l > 0 => l,
                double d when d > 0 => d,
                _ => throw new BenchTemplateException($"[datasets.{name}] {key}: must be a number > 0 (got '{v}')."),
            };

        return new DatasetSpec(ResolveTrace(name, path, baseDir), Number("time_in_secs", double.PositiveInfinity), Number("scale", 1));
    }

    /// <summary>
    /// A path relative to the template's folder when that file exists; otherwise a shipped trace named by the file's
    /// stem or the dataset's name (the seeds' <c>./dataset_home/AzureConv2023-5min.csv</c> finds the shipped window).
    /// </summary>
    private static string ResolveTrace(string name, string path, string baseDir)
    {
        var full = Path.IsPathRooted(path) ? path : Path.Combine(baseDir, path);
        if (File.Exists(full))
        {
            return full;
        }

        foreach (var candidate in new[] { Path.GetFileNameWithoutExtension(path), name })
        {
            if (TraceLoader.EmbeddedNames.Contains(candidate))
            {
                return candidate;
            }
        }

        throw new BenchTemplateException($"[datasets.{name}] dataset_path: '{path}' is neither a file (looked at {full}) nor a shipped trace ({string.Join(", ", TraceLoader.EmbeddedNames)}).");
    }
}
