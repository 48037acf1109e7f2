using System.Reflection;
using k8s;
using Tandem.Api.V1Alpha1;

namespace Tandem.Api.Seeds;

/// <summary>
/// The seed models' ModelProfiles, read from examples/models/*.yaml (embedded in this assembly): the one source of the
/// numbers the simulator (SeedModels) and the mock engine (MockEngineProfile.Seeds) run with.
/// </summary>
public static class SeedModelProfiles
{
    private const string ResourcePrefix = "Tandem.Api.Seeds.";

    private static readonly Lazy<IReadOnlyList<ModelProfile>> Profiles = new(Load);

    /// <summary>Every seed ModelProfile, ordered by name.</summary>
    public static IReadOnlyList<ModelProfile> All => Profiles.Value;

    /// <summary>The seed models' names (each file's metadata.name).</summary>
    public static IReadOnlyList<string> Names => All.Select(p => p.Metadata.Name).ToArray();

    /// <summary>The seed ModelProfile named <paramref name="name"/>; <c>_</c> and <c>-</c> are interchangeable (the seed templates write <c>llama3_8b</c>).</summary>
    public static bool TryGet(string name, out ModelProfile profile)
    {
        var normal = name.Trim().Replace('_', '-').ToLowerInvariant();
        profile = All.FirstOrDefault(p => p.Metadata.Name == normal)!;
        return profile is not null;
    }

    private static IReadOnlyList<ModelProfile> Load()
    {
        var assembly = typeof(SeedModelProfiles).Assembly;
        var profiles = assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal) && n.EndsWith(".yaml", StringComparison.Ordinal))
            .Select(n => Read(assembly, n))
            .OrderBy(p => p.Metadata.Name, StringComparer.Ordinal)
            .ToArray();
        if (profiles.Length == 0)
        {
            throw new InvalidOperationException($"{assembly.GetName().Name}: no embedded seed ModelProfiles ({ResourcePrefix}*.yaml); examples/models/*.yaml must be embedded.");
        }

        return profiles;
    }

    private static ModelProfile Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        var profile = KubernetesYaml.Deserialize<ModelProfile>(reader.ReadToEnd());
        if (profile?.Kind != ModelProfile.KubeKind || string.IsNullOrEmpty(profile.Metadata?.Name))
        {
            throw new InvalidOperationException($"{resource}: kind must be {ModelProfile.KubeKind} with a metadata.name.");
        }

        return profile;
    }
}
