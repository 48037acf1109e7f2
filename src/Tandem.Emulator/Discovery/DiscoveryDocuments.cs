using System.Text.Json.Nodes;
using Tandem.Emulator.Storage;

namespace Tandem.Emulator.Discovery;

/// <summary>The discovery documents: /version, /api, /apis, /apis/{group} and per group-version resource lists.</summary>
public sealed class DiscoveryDocuments(ResourceRegistry registry)
{
    public static JsonObject Version() => new()
    {
        ["major"] = "1", ["minor"] = "34", ["gitVersion"] = "v1.34.0-tandem-emulator", ["gitCommit"] = "0000000000000000000000000000000000000000",
        ["gitTreeState"] = "clean", ["buildDate"] = "2026-01-01T00:00:00Z", ["goVersion"] = "go1.24.0", ["compiler"] = "gc",
        ["platform"] = "linux/amd64", ["emulationMajor"] = "1", ["emulationMinor"] = "34",
    };

    public static JsonObject CoreVersions(string serverAddress) => new()
    {
        ["kind"] = "APIVersions", ["versions"] = new JsonArray("v1"),
        ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = serverAddress }),
    };

    public JsonObject GroupList()
    {
        var groups = new JsonArray();
        foreach (var g in Groups()) groups.Add(Group(g.Key, g.Value));
        return new JsonObject { ["kind"] = "APIGroupList", ["apiVersion"] = "v1", ["groups"] = groups };
    }

    public JsonObject? Group(string name)
    {
        var groups = Groups();
        return groups.TryGetValue(name, out var versions) ? Group(name, versions) : null;
    }

    public JsonObject? ResourceList(string group, string version)
    {
        var types = registry.All().Where(t => t.Group == group && t.Version == version).OrderBy(t => t.Plural, StringComparer.Ordinal).ToList();
        if (types.Count == 0) return null;
        var resources = new JsonArray();
        foreach (var t in types)
        {
            var r = new JsonObject
            {
                ["name"] = t.Plural, ["singularName"] = t.Singular, ["namespaced"] = t.Namespaced, ["kind"] = t.Kind,
                ["verbs"] = new JsonArray([.. t.Verbs.Select(v => (JsonNode?)JsonValue.Create(v))]),
            };
            if (t.ShortNames.Count > 0) r["shortNames"] = new JsonArray([.. t.ShortNames.Select(v => (JsonNode?)JsonValue.Create(v))]);
            if (t.Categories.Count > 0) r["categories"] = new JsonArray([.. t.Categories.Select(v => (JsonNode?)JsonValue.Create(v))]);
            resources.Add(r);
            if (t.HasStatus)
                resources.Add(new JsonObject { ["name"] = t.Plural + "/status", ["singularName"] = "", ["namespaced"] = t.Namespaced, ["kind"] = t.Kind, ["verbs"] = new JsonArray("get", "patch", "update") });
            if (t.Scale is not null)
                resources.Add(new JsonObject { ["name"] = t.Plural + "/scale", ["singularName"] = "", ["namespaced"] = t.Namespaced, ["group"] = "autoscaling", ["version"] = "v1", ["kind"] = "Scale", ["verbs"] = new JsonArray("get", "patch", "update") });
        }
        return new JsonObject { ["kind"] = "APIResourceList", ["apiVersion"] = "v1", ["groupVersion"] = types[0].GroupVersion, ["resources"] = resources };
    }

    private SortedDictionary<string, List<string>> Groups()
    {
        var groups = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var t in registry.All().Where(t => t.Group.Length > 0))
        {
            if (!groups.TryGetValue(t.Group, out var versions)) groups[t.Group] = versions = [];
            if (!versions.Contains(t.Version)) versions.Add(t.Version);
        }
        foreach (var v in groups.Values) v.Sort(KubeVersionOrder);
        return groups;
    }

    private static JsonObject Group(string name, List<string> versions)
    {
        var arr = new JsonArray();
        foreach (var v in versions) arr.Add(new JsonObject { ["groupVersion"] = $"{name}/{v}", ["version"] = v });
        return new JsonObject
        {
            ["kind"] = "APIGroup", ["apiVersion"] = "v1", ["name"] = name, ["versions"] = arr,
            ["preferredVersion"] = new JsonObject { ["groupVersion"] = $"{name}/{versions[0]}", ["version"] = versions[0] },
        };
    }

    /// <summary>Kubernetes version priority: GA before beta before alpha, higher numbers first (v2 > v1 > v1beta2 > v1alpha1).</summary>
    public static int KubeVersionOrder(string a, string b)
    {
        static (int Stability, int Major, int Minor) Key(string v)
        {
            var m = System.Text.RegularExpressions.Regex.Match(v, "^v(\\d+)(?:(alpha|beta)(\\d+))?$");
            if (!m.Success) return (-1, 0, 0);
            int stability = m.Groups[2].Value switch { "" => 3, "beta" => 2, _ => 1 };
            return (stability, int.Parse(m.Groups[1].Value), m.Groups[3].Success && m.Groups[3].Value.Length > 0 ? int.Parse(m.Groups[3].Value) : 0);
        }
        var ka = Key(a); var kb = Key(b);
        var c = kb.Stability.CompareTo(ka.Stability);
        if (c != 0) return c;
        c = kb.Major.CompareTo(ka.Major);
        return c != 0 ? c : kb.Minor.CompareTo(ka.Minor);
    }
}
