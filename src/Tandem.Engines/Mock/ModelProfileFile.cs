using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Tandem.Engines.Mock;

/// <summary>
/// Reads a ModelProfile YAML (the <c>serving.tandem.dev/v1alpha1</c> object, or just its spec) into a
/// <see cref="MockEngineProfile"/>. Missing fields keep the defaults; a bad value names its field.
/// </summary>
public static class ModelProfileFile
{
    /// <summary><paramref name="profile"/> is a YAML path or a seed model name (<c>llama3-8b</c>).</summary>
    public static MockEngineProfile Resolve(string profile) =>
        File.Exists(profile) ? Load(profile) : MockEngineProfile.Seed(profile);

    public static MockEngineProfile Load(string path)
    {
        using var reader = new StreamReader(path);
        return Parse(reader, Path.GetFileNameWithoutExtension(path));
    }

    public static MockEngineProfile Parse(TextReader reader, string name)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(reader);
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new FormatException($"ModelProfile '{name}': not valid YAML ({e.Message}).", e);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new FormatException($"ModelProfile '{name}': expected a YAML mapping.");
        }

        var spec = Child(root, "spec") as YamlMappingNode ?? root;
        var metadataName = (Child(Child(root, "metadata"), "name") as YamlScalarNode)?.Value;
        var throughput = Child(spec, "throughput");
        var load = Child(spec, "loadTime");
        var defaults = new MockEngineProfile();
        return new MockEngineProfile
        {
            Name = metadataName ?? name,
            TensorParallelSize = Int(spec, "tensorParallelSize") ?? defaults.TensorParallelSize,
            NumHiddenLayers = Int(spec, "numHiddenLayers") ?? defaults.NumHiddenLayers,
            KvCacheBlocks = Int(spec, "kvCacheBlocks") ?? defaults.KvCacheBlocks,
            KvBlockTokens = Int(spec, "kvBlockTokens") ?? defaults.KvBlockTokens,
            MaxModelLength = Int(spec, "maxModelLength") ?? defaults.MaxModelLength,
            PrefillTokensPerSecond = Number(throughput, "throughput.prefillTokensPerSecond") ?? defaults.PrefillTokensPerSecond,
            TransferTokensPerSecond = Number(throughput, "throughput.transferTokensPerSecond") ?? defaults.TransferTokensPerSecond,
            DecodeStepMillis = Number(throughput, "throughput.decodeStepMillis") ?? defaults.DecodeStepMillis,
            DecodeStepMillisPerRequest = Number(throughput, "throughput.decodeStepMillisPerRequest") ?? defaults.DecodeStepMillisPerRequest,
            LoadFromStorage = Duration(load, "loadTime.storage") ?? defaults.LoadFromStorage,
            LoadFromHostCache = Duration(load, "loadTime.hostCache") ?? defaults.LoadFromHostCache,
            LoadFromPeer = Duration(load, "loadTime.peer") ?? defaults.LoadFromPeer,
        }.Validate();
    }

    private static YamlNode? Child(YamlNode? node, string key) =>
        node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;

    private static string? Scalar(YamlNode? parent, string field)
    {
        var key = field[(field.LastIndexOf('.') + 1)..];
        return Child(parent, key) switch
        {
            null => null,
            YamlScalarNode s => s.Value,
            _ => throw new FormatException($"ModelProfile field '{field}' must be a scalar."),
        };
    }

    private static int? Int(YamlNode? parent, string field) => Scalar(parent, field) is { } text
        ? int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : throw new FormatException($"ModelProfile field '{field}': '{text}' is not an integer.")
        : null;

    private static double? Number(YamlNode? parent, string field) => Scalar(parent, field) is { } text
        ? double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : throw new FormatException($"ModelProfile field '{field}': '{text}' is not a number.")
        : null;

    private static TimeSpan? Duration(YamlNode? parent, string field) => Scalar(parent, field) is { } text ? GoDuration.Parse(text, $"ModelProfile field '{field}'") : null;
}
