using k8s;
using Tandem.Api.Schema;
using Tandem.Api.Serialization;
using Tandem.Api.V1Alpha1;

namespace Tandem.Engines.Mock;

/// <summary>
/// Reads a ModelProfile (the <c>serving.tandem.dev/v1alpha1</c> object, as in examples/models/*.yaml) and maps it to
/// the <see cref="MockEngineProfile"/> the mock engine emulates. A bad value names its field.
/// </summary>
public static class ModelProfileFile
{
    /// <summary><paramref name="profile"/> is a YAML path or a seed model name (<c>llama3-8b</c>).</summary>
    public static MockEngineProfile Resolve(string profile) =>
        File.Exists(profile) ? Load(profile) : MockEngineProfile.Seed(profile);

    public static MockEngineProfile Load(string path) => Parse(File.ReadAllText(path), path);

    /// <summary>
    /// The ModelProfile in <paramref name="yaml"/>; a multi-document file (a ModelProfile and the InferenceDeployment
    /// that uses it, as examples/chat.yaml) gives its one ModelProfile document.
    /// </summary>
    public static MockEngineProfile Parse(string yaml, string source)
    {
        yaml = ModelProfileDocument(yaml, source);
        ModelProfile model;
        try
        {
            model = KubernetesYaml.Deserialize<ModelProfile>(yaml);
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            // YamlDotNet's message lacks the field; quoting the line it stopped at names it.
            var lines = yaml.Split('\n');
            var line = e.Start.Line >= 1 && e.Start.Line <= lines.Length ? lines[(int)e.Start.Line - 1].Trim() : "";
            throw new FormatException($"ModelProfile '{source}': not a valid ModelProfile YAML at line {e.Start.Line} '{line}' ({e.InnerException?.Message ?? e.Message}).", e);
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException)
        {
            throw new FormatException($"ModelProfile '{source}': not a valid ModelProfile YAML ({e.Message}).", e);
        }

        if (model?.Kind is not ModelProfile.KubeKind)
        {
            throw new FormatException($"ModelProfile '{source}': kind must be {ModelProfile.KubeKind} (got '{model?.Kind}').");
        }

        return FromModelProfile(model);
    }

    private static string ModelProfileDocument(string yaml, string source)
    {
        IReadOnlyList<System.Text.Json.Nodes.JsonNode> documents;
        try
        {
            documents = YamlJson.ParseAll(yaml);
        }
        catch (YamlDotNet.Core.YamlException)
        {
            // Not valid YAML: the single-document parse below quotes the line it stopped at.
            return yaml;
        }

        if (documents.Count <= 1)
        {
            return yaml;
        }

        string? Kind(System.Text.Json.Nodes.JsonNode d) => d is System.Text.Json.Nodes.JsonObject o && o["kind"] is System.Text.Json.Nodes.JsonValue v && v.TryGetValue<string>(out var k) ? k : null;
        var profiles = documents.Where(d => Kind(d) == ModelProfile.KubeKind).ToArray();
        return profiles.Length switch
        {
            1 => YamlJson.Write(profiles[0]),
            0 => throw new FormatException($"ModelProfile '{source}': none of its {documents.Count} documents is a {ModelProfile.KubeKind} (kinds: {string.Join(", ", documents.Select(d => Kind(d) ?? "none"))})."),
            _ => throw new FormatException($"ModelProfile '{source}': {profiles.Length} {ModelProfile.KubeKind} documents ({string.Join(", ", profiles.Select(p => p["metadata"]?["name"]?.ToString() ?? "unnamed"))}); give a file with one."),
        };
    }

    /// <summary>Environment variable with the ModelProfile spec as JSON, set on engine pods by the operator.</summary>
    public const string ProfileVariable = PodEnvironment.ModelProfile;

    /// <summary>Environment variable with the ModelProfile's name, set on engine pods by the operator.</summary>
    public const string ModelVariable = PodEnvironment.Model;

    /// <summary>
    /// The profile of an engine pod from its environment (<see cref="ProfileVariable"/> holds the spec JSON); a pod
    /// runtime passes the pod's env, <c>tandem engine</c> without <c>--profile</c> passes the process's.
    /// </summary>
    public static MockEngineProfile FromEnvironment(Func<string, string?> variable)
    {
        var json = variable(ProfileVariable);
        if (string.IsNullOrWhiteSpace(json))
        {
            throw new ArgumentException($"--profile: not given, and {ProfileVariable} (the ModelProfile spec as JSON, set by the operator) is not set either.");
        }

        ModelProfileSpec spec;
        try
        {
            spec = KubernetesJson.Deserialize<ModelProfileSpec>(json);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new FormatException($"{ProfileVariable}: not a ModelProfile spec as JSON ({e.Message}).", e);
        }

        var name = variable(ModelVariable);
        return FromModelProfile(new ModelProfile { Metadata = new() { Name = string.IsNullOrWhiteSpace(name) ? "model" : name }, Spec = spec });
    }

    /// <summary>The mock engine's numbers for a ModelProfile (the API emulator's pod hook and the demo call this).</summary>
    public static MockEngineProfile FromModelProfile(ModelProfile model)
    {
        var spec = model.Spec;
        var defaults = new MockEngineProfile();
        return new MockEngineProfile
        {
            Name = model.Metadata?.Name ?? defaults.Name,
            TensorParallelSize = spec.TensorParallelSize,
            NumHiddenLayers = spec.NumHiddenLayers,
            KvCacheBlocks = spec.KvCacheBlocks,
            KvBlockTokens = spec.KvBlockTokens,
            MaxModelLength = spec.MaxModelLength ?? defaults.MaxModelLength,
            PrefillTokensPerSecond = spec.Throughput.PrefillTokensPerSecond,
            TransferTokensPerSecond = spec.Throughput.TransferTokensPerSecond,
            DecodeStepMillis = spec.Throughput.DecodeStepMillis,
            DecodeStepMillisPerRequest = spec.Throughput.DecodeStepMillisPerRequest,
            LoadFromStorage = GoDuration.Parse(spec.LoadTime.Storage, "spec.loadTime.storage"),
            LoadFromHostCache = GoDuration.Parse(spec.LoadTime.HostCache, "spec.loadTime.hostCache"),
            LoadFromPeer = GoDuration.Parse(spec.LoadTime.Peer, "spec.loadTime.peer"),
        }.Validate();
    }
}
