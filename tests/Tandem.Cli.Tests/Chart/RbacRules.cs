using System.Text.Json.Nodes;

namespace Tandem.Cli.Tests.Chart;

/// <summary>Flattens RBAC rules into (apiGroup, resource, verb) grants so tests compare what is granted, not how it is grouped.</summary>
internal static class RbacRules
{
    public static SortedSet<string> Grants(JsonNode? rules)
    {
        var grants = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var rule in rules?.AsArray() ?? [])
        {
            Assert.Null(rule!["resourceNames"]);
            Assert.Null(rule["nonResourceURLs"]);
            grants.UnionWith(
                from apiGroup in Strings(rule["apiGroups"])
                from resource in Strings(rule["resources"])
                from verb in Strings(rule["verbs"])
                select Grant(apiGroup, resource, verb));
        }

        return grants;
    }

    public static string Grant(string group, string resource, string verb) => $"{(group == "" ? "core" : group)} {resource} {verb}";

    /// <summary>Every (group, resource, verb) of the given lists.</summary>
    public static IEnumerable<string> All(string apiGroup, string[] resources, params string[] verbs) =>
        resources.SelectMany(resource => verbs.Select(verb => Grant(apiGroup, resource, verb)));

    private static IEnumerable<string> Strings(JsonNode? list) => list?.AsArray().Select(n => (string)n!) ?? [];
}
