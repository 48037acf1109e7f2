using System.Collections.Concurrent;
using System.Reflection;
using k8s.Models;

namespace Tandem.Runtime.Resources;

/// <summary>
/// Group, version, kind and plural of a C# entity type, read from KubernetesClient's <see cref="KubernetesEntityAttribute"/>
/// (present on every built-in model and on our custom resources).
/// </summary>
public sealed record ResourceType(string Group, string Version, string Kind, string Plural)
{
    private static readonly ConcurrentDictionary<Type, ResourceType> Known = new();

    /// <summary>"v1" for the core group, else "group/version".</summary>
    public string ApiVersion => string.IsNullOrEmpty(Group) ? Version : $"{Group}/{Version}";

    /// <summary>The resource type of <typeparamref name="T"/>.</summary>
    /// <exception cref="InvalidOperationException">The type has no [KubernetesEntity] attribute or it lacks Kind/ApiVersion/PluralName.</exception>
    public static ResourceType Of<T>() => Of(typeof(T));

    public static ResourceType Of(Type type) => Known.GetOrAdd(type, static t =>
    {
        var a = t.GetCustomAttribute<KubernetesEntityAttribute>()
            ?? throw new InvalidOperationException($"{t.Name} has no [KubernetesEntity] attribute: set Group, ApiVersion, Kind and PluralName on it");
        if (string.IsNullOrEmpty(a.Kind) || string.IsNullOrEmpty(a.ApiVersion) || string.IsNullOrEmpty(a.PluralName))
        {
            throw new InvalidOperationException($"{t.Name}'s [KubernetesEntity] must set Kind, ApiVersion and PluralName");
        }

        return new ResourceType(a.Group ?? string.Empty, a.ApiVersion, a.Kind, a.PluralName);
    });

    /// <summary>True if an owner reference's apiVersion/kind names this type (the version may differ).</summary>
    public bool Matches(string? apiVersion, string? kind)
    {
        if (kind != Kind || apiVersion is null) return false;
        var slash = apiVersion.IndexOf('/');
        var group = slash < 0 ? string.Empty : apiVersion[..slash];
        return group == Group;
    }

    public override string ToString() => string.IsNullOrEmpty(Group) ? $"{Kind}.{Version}" : $"{Kind}.{Version}.{Group}";
}
