using System.Text.RegularExpressions;

namespace Tandem.Emulator.Storage;

/// <summary>Kubernetes object-name rules (DNS-1123 subdomain / label) and generateName suffixes.</summary>
public static partial class ObjectNames
{
    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex Subdomain();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Label();

    private const string SuffixAlphabet = "bcdfghjklmnpqrstvwxz2456789";

    /// <summary>Returns an error message, or null when <paramref name="name"/> is valid for <paramref name="type"/>.</summary>
    public static string? Validate(ResourceType type, string name)
    {
        // RBAC names and a few others are path segments (e.g. "system:controller:x"), not DNS names.
        if (type.Group == "rbac.authorization.k8s.io")
            return name is "." or ".." || name.Contains('/') || name.Contains('%') ? "may not contain '/' or '%' and may not be '.' or '..'" : null;
        if (type.Kind == "Namespace")
            return name.Length <= 63 && Label().IsMatch(name) ? null
                : "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
        return name.Length <= 253 && Subdomain().IsMatch(name) ? null
            : "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
    }

    public static string Generate(string prefix)
    {
        Span<char> suffix = stackalloc char[5];
        for (int i = 0; i < suffix.Length; i++) suffix[i] = SuffixAlphabet[Random.Shared.Next(SuffixAlphabet.Length)];
        return prefix + new string(suffix);
    }
}
