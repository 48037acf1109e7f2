using System.Text.Json.Nodes;
using Tandem.Emulator.Storage;

namespace Tandem.Emulator.Discovery;

/// <summary>
/// A minimal OpenAPI v3 surface: the /openapi/v3 index and, per group-version, the object paths with their PATCH
/// operation tagged with x-kubernetes-group-version-kind and the `fieldValidation` parameter — what kubectl reads to
/// decide that the server validates fields itself. Schemas are given for custom resources only.
/// </summary>
public sealed class OpenApiDocuments(ResourceRegistry registry)
{
    public JsonObject Index()
    {
        var paths = new JsonObject();
        foreach (var gv in registry.All().Select(t => (t.Group, t.Version)).Distinct().OrderBy(x => x.Group).ThenBy(x => x.Version))
        {
            var key = gv.Group.Length == 0 ? $"api/{gv.Version}" : $"apis/{gv.Group}/{gv.Version}";
            paths[key] = new JsonObject { ["serverRelativeURL"] = $"/openapi/v3/{key}?hash={Hash(gv.Group, gv.Version)}" };
        }
        return new JsonObject { ["paths"] = paths };
    }

    /// <summary>The document of one group-version (path after /openapi/v3/), or null when it is not served.</summary>
    public JsonObject? GroupVersion(string relativePath)
    {
        var parts = relativePath.Trim('/').Split('/');
        (string group, string version) = parts switch
        {
            ["api", var v] => ("", v),
            ["apis", var g, var v] => (g, v),
            _ => ("", ""),
        };
        var types = registry.All().Where(t => t.Group == group && t.Version == version && version.Length > 0).ToList();
        if (types.Count == 0) return null;
        var paths = new JsonObject();
        var schemas = new JsonObject();
        foreach (var t in types)
        {
            var prefix = (group.Length == 0 ? $"/api/{version}" : $"/apis/{group}/{version}") + (t.Namespaced ? "/namespaces/{namespace}" : "");
            var gvk = new JsonObject { ["group"] = t.Group, ["version"] = t.Version, ["kind"] = t.Kind };
            JsonObject Op(string verb) => new()
            {
                ["operationId"] = $"{verb}{t.Kind}",
                ["x-kubernetes-action"] = verb,
                ["x-kubernetes-group-version-kind"] = gvk.DeepClone(),
                ["parameters"] = new JsonArray(
                    new JsonObject { ["name"] = "dryRun", ["in"] = "query", ["schema"] = new JsonObject { ["type"] = "string" } },
                    new JsonObject { ["name"] = "fieldManager", ["in"] = "query", ["schema"] = new JsonObject { ["type"] = "string" } },
                    new JsonObject { ["name"] = "fieldValidation", ["in"] = "query", ["schema"] = new JsonObject { ["type"] = "string" } }),
                ["responses"] = new JsonObject { ["200"] = new JsonObject { ["description"] = "OK" } },
            };
            paths[$"{prefix}/{t.Plural}/{{name}}"] = new JsonObject { ["get"] = Op("get"), ["put"] = Op("put"), ["patch"] = Op("patch"), ["delete"] = Op("delete") };
            paths[$"{prefix}/{t.Plural}"] = new JsonObject { ["get"] = Op("list"), ["post"] = Op("post") };
            if (t.Schema is not null)
            {
                var schema = t.Schema.DeepClone().AsObject();
                schema["x-kubernetes-group-version-kind"] = new JsonArray(gvk.DeepClone());
                schemas[$"{ReverseDomain(t.Group)}.{t.Version}.{t.Kind}"] = schema;
            }
        }
        return new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes (tandem emulator)", ["version"] = "v1.34.0" },
            ["paths"] = paths,
            ["components"] = new JsonObject { ["schemas"] = schemas },
        };
    }

    private static string ReverseDomain(string group) => string.Join('.', group.Split('.').Reverse());

    private string Hash(string group, string version)
    {
        // Changes whenever the set of kinds in the group-version changes, so clients refetch after a CRD lands.
        var kinds = string.Join(",", registry.All().Where(t => t.Group == group && t.Version == version).Select(t => t.Kind + (t.Schema?.ToJsonString().Length ?? 0)).Order());
        return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(kinds)))[..16];
    }
}
