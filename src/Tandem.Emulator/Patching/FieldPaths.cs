using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tandem.Emulator.Patching;

/// <summary>
/// Field paths in the managedFields (FieldsV1) encoding: `f:name` for a field, `k:{"name":"x"}` for a keyed list
/// item, `v:"x"` for a set item. A path is its elements joined by '\n'. Lists are keyed as strategic merge keys them;
/// other lists are atomic (owned whole).
/// </summary>
public static class FieldPaths
{
    private const char Sep = '\n';
    private static readonly HashSet<string> Identity = ["apiVersion", "kind"];
    private static readonly HashSet<string> IdentityMeta = ["name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp", "managedFields", "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink"];

    /// <summary>
    /// The leaf paths an object sets (identity fields excluded); with <paramref name="statusOnly"/> only status, else all
    /// but status. With a CRD <paramref name="schema"/>, lists follow its x-kubernetes-list-type (atomic by default);
    /// otherwise (built-ins, metadata) lists are keyed as strategic merge patch keys them.
    /// </summary>
    public static HashSet<string> Of(JsonObject obj, bool? statusOnly = null, JsonObject? schema = null)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (k, v) in obj)
        {
            if (Identity.Contains(k)) continue;
            if (statusOnly == true && k != "status") continue;
            if (statusOnly == false && k == "status") continue;
            if (k == "metadata" && v is JsonObject m)
            {
                foreach (var (mk, mv) in m)
                    if (!IdentityMeta.Contains(mk)) Collect(mv, mk, "f:metadata" + Sep + "f:" + mk, set, ListRules.BuiltIn);
                continue;
            }
            Collect(v, k, "f:" + k, set, schema is null ? ListRules.BuiltIn : ListRules.FromSchema(ListRules.Child(schema, k)));
        }
        return set;
    }

    private static void Collect(JsonNode? node, string field, string path, HashSet<string> set, ListRules rules)
    {
        switch (node)
        {
            case JsonObject o when o.Count > 0:
                foreach (var (k, v) in o) Collect(v, k, path + Sep + "f:" + k, set, rules.ForField(k));
                break;
            case JsonArray a:
                var rule = rules.ForList(field, a);
                if (rule.Kind == ListKind.Set)
                {
                    foreach (var item in a) set.Add(path + Sep + "v:" + item?.ToJsonString());
                }
                else if (rule.Kind == ListKind.Map)
                {
                    var itemRules = rules.ForItems();
                    foreach (var item in a.OfType<JsonObject>())
                    {
                        var itemPath = path + Sep + "k:" + ListRules.KeyOf(item, rule.Keys).ToJsonString();
                        set.Add(itemPath + Sep + ".");
                        foreach (var (k, v) in item) Collect(v, k, itemPath + Sep + "f:" + k, set, itemRules.ForField(k));
                    }
                }
                else set.Add(path);
                break;
            default:
                set.Add(path);
                break;
        }
    }

    /// <summary>The node a path addresses, or null.</summary>
    public static JsonNode? Resolve(JsonNode? root, string path)
    {
        var node = root;
        foreach (var e in path.Split(Sep))
        {
            if (e == ".") return node;
            node = Step(node, e, out _, out _);
            if (node is null) return null;
        }
        return node;
    }

    /// <summary>Removes the field or item a path addresses; returns whether something was removed.</summary>
    public static bool Remove(JsonNode? root, string path)
    {
        var elements = path.Split(Sep);
        if (elements[^1] == ".") elements = elements[..^1];
        var node = root;
        for (int i = 0; i < elements.Length - 1; i++) { node = Step(node, elements[i], out _, out _); if (node is null) return false; }
        Step(node, elements[^1], out var parent, out var index);
        switch (parent)
        {
            case JsonObject o: return o.Remove(elements[^1][2..]);
            case JsonArray a when index >= 0: a.RemoveAt(index); return true;
            default: return false;
        }
    }

    private static JsonNode? Step(JsonNode? node, string element, out JsonNode? parent, out int index)
    {
        parent = node;
        index = -1;
        var body = element[2..];
        switch (element[0])
        {
            case 'f': return node is JsonObject o && o.TryGetPropertyValue(body, out var c) ? c : null;
            case 'k' when node is JsonArray a:
                var key = JsonNode.Parse(body)!.AsObject();
                for (int i = 0; i < a.Count; i++)
                    if (a[i] is JsonObject item && key.All(kv => JsonNode.DeepEquals(item[kv.Key], kv.Value))) { index = i; return item; }
                return null;
            case 'v' when node is JsonArray a:
                var value = JsonNode.Parse(body);
                for (int i = 0; i < a.Count; i++)
                    if (JsonNode.DeepEquals(a[i], value)) { index = i; return a[i] ?? JsonValue.Create(""); }
                return null;
            default: return null;
        }
    }

    /// <summary>A path as users read it in conflict messages: `.spec.containers[name="app"].image`.</summary>
    public static string Display(string path)
    {
        var sb = new System.Text.StringBuilder();
        foreach (var e in path.Split(Sep))
        {
            if (e == ".") continue;
            if (e[0] == 'f') sb.Append('.').Append(e[2..]);
            else if (e[0] == 'k') sb.Append('[').Append(string.Join(",", JsonNode.Parse(e[2..])!.AsObject().Select(kv => $"{kv.Key}={kv.Value?.ToJsonString()}"))).Append(']');
            else sb.Append('[').Append(e[2..]).Append(']');
        }
        return sb.ToString();
    }

    /// <summary>Encodes a set of paths as a FieldsV1 object.</summary>
    public static JsonObject ToFieldsV1(IEnumerable<string> paths)
    {
        var root = new JsonObject();
        foreach (var p in paths.Order(StringComparer.Ordinal))
        {
            var node = root;
            foreach (var e in p.Split(Sep))
            {
                if (node[e] is not JsonObject child) { child = new JsonObject(); node[e] = child; }
                node = child;
            }
        }
        return root;
    }

    /// <summary>Decodes a FieldsV1 object into its leaf paths.</summary>
    public static HashSet<string> FromFieldsV1(JsonObject? fields)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        if (fields is not null) Walk(fields, "", set);
        return set;

        static void Walk(JsonObject o, string prefix, HashSet<string> set)
        {
            foreach (var (k, v) in o)
            {
                var p = prefix.Length == 0 ? k : prefix + Sep + k;
                if (v is JsonObject child && child.Count > 0) Walk(child, p, set); else set.Add(p);
            }
        }
    }
}
