using System.Text.Json.Nodes;
using Tandem.Emulator.Storage;

namespace Tandem.Emulator.Patching;

/// <summary>
/// Field ownership (metadata.managedFields) and server-side apply. Updates take ownership of the fields they change;
/// an apply owns exactly the fields of its configuration, removes fields it owned before and no longer sets (unless
/// another manager owns them), and conflicts with other owners of a field it changes unless forced.
/// Hand-written: a reduced form of structured-merge-diff that keys lists as strategic merge patch does.
/// </summary>
public sealed class ManagedFields(TimeProvider time)
{
    private sealed record Entry(string Manager, string Operation, string ApiVersion, string Subresource, HashSet<string> Fields);

    /// <summary>Records a create, update or non-apply patch by <paramref name="manager"/> on <paramref name="next"/>.</summary>
    public void RecordUpdate(ResourceType t, JsonObject? old, JsonObject next, string manager, string subresource = "")
    {
        var apiVersion = t.GroupVersion;
        var entries = Read(old);
        var statusOnly = subresource == "status" ? true : (bool?)null;
        var newFields = FieldPaths.Of(next, statusOnly, t.Schema);
        var changed = old is null
            ? newFields
            : newFields.Where(p => !JsonNode.DeepEquals(FieldPaths.Resolve(old, p), FieldPaths.Resolve(next, p))).ToHashSet();
        var removed = old is null ? [] : FieldPaths.Of(old, statusOnly, t.Schema).Except(newFields).ToHashSet();
        foreach (var e in entries)
        {
            e.Fields.ExceptWith(removed);
            if (!(e.Manager == manager && e.Operation == "Update")) e.Fields.ExceptWith(changed);
        }
        if (changed.Count > 0)
        {
            var mine = entries.FirstOrDefault(e => e.Manager == manager && e.Operation == "Update" && e.Subresource == subresource);
            if (mine is null) entries.Add(mine = new Entry(manager, "Update", apiVersion, subresource, []));
            mine.Fields.UnionWith(changed);
        }
        Write(next, entries);
    }

    /// <summary>Server-side apply of <paramref name="applied"/> by <paramref name="manager"/>; returns the object to store.</summary>
    public JsonObject Apply(ResourceType t, JsonObject? current, JsonObject applied, string manager, bool force, string subresource)
    {
        if (applied["metadata"]?["managedFields"] is not null)
            throw ApiException.BadRequest("metadata.managedFields must be nil in an apply configuration");
        bool? statusOnly = subresource == "status" ? true : t.HasStatus ? false : null;
        var appliedFields = FieldPaths.Of(applied, statusOnly, t.Schema);
        var entries = Read(current);
        var baseObj = current ?? new JsonObject { ["metadata"] = new JsonObject() };

        var conflicts = new List<(string Manager, string ApiVersion, string Path)>();
        foreach (var other in entries.Where(e => !(e.Manager == manager && e.Operation == "Apply")))
            foreach (var p in appliedFields.Intersect(other.Fields).ToList())
            {
                // A list item's "." entry only records that the item exists: both managers want it, no conflict.
                if (p.EndsWith("\n.", StringComparison.Ordinal)) continue;
                if (JsonNode.DeepEquals(FieldPaths.Resolve(baseObj, p), FieldPaths.Resolve(applied, p))) continue;
                if (force) other.Fields.Remove(p); else conflicts.Add((other.Manager, other.ApiVersion, p));
            }
        if (conflicts.Count > 0) throw ConflictError(t, JsonPaths.Str(applied["metadata"] as JsonObject, "name") ?? "", conflicts);

        var next = baseObj.DeepClone().AsObject();
        var mine = entries.FirstOrDefault(e => e.Manager == manager && e.Operation == "Apply" && e.Subresource == subresource);
        if (mine is not null)
        {
            var othersOwn = entries.Where(e => e != mine).SelectMany(e => e.Fields).ToHashSet();
            // Deepest paths first so list items go after their fields.
            foreach (var p in mine.Fields.Except(appliedFields).OrderByDescending(p => p.Length))
            {
                var prefix = p.EndsWith("\n.", StringComparison.Ordinal) ? p[..^1] : p + "\n";
                if (othersOwn.Contains(p) || othersOwn.Any(o => o.StartsWith(prefix, StringComparison.Ordinal))) continue;
                FieldPaths.Remove(next, p);
            }
        }
        else
        {
            entries.Add(mine = new Entry(manager, "Apply", t.GroupVersion, subresource, []));
        }
        mine.Fields.Clear();
        mine.Fields.UnionWith(appliedFields);
        next = MergeTop(next, applied, t.Schema);
        Write(next, entries);
        return next;
    }

    private static JsonObject MergeTop(JsonObject target, JsonObject applied, JsonObject? schema)
    {
        foreach (var (k, v) in applied)
        {
            var rules = k == "metadata" || schema is null ? ListRules.BuiltIn : ListRules.FromSchema(ListRules.Child(schema, k));
            target[k] = Merge(target[k]?.DeepClone(), v, k, rules);
        }
        return target;
    }

    private static JsonNode? Merge(JsonNode? target, JsonNode? applied, string field, ListRules rules)
    {
        switch (applied)
        {
            case JsonObject ao:
                var result = target as JsonObject ?? new JsonObject();
                foreach (var (k, v) in ao) result[k] = Merge(result[k]?.DeepClone(), v, k, rules.ForField(k));
                return result;
            case JsonArray aa:
                var rule = rules.ForList(field, aa);
                if (rule.Kind == ListKind.Set)
                {
                    var set = target as JsonArray ?? [];
                    foreach (var i in aa) if (!set.Any(s => JsonNode.DeepEquals(s, i))) set.Add(i?.DeepClone());
                    return set;
                }
                if (rule.Kind == ListKind.Map && target is JsonArray ta)
                {
                    var itemRules = rules.ForItems();
                    foreach (var item in aa.OfType<JsonObject>())
                    {
                        var key = ListRules.KeyOf(item, rule.Keys);
                        var idx = -1;
                        for (int i = 0; i < ta.Count; i++)
                            if (ta[i] is JsonObject ti && JsonNode.DeepEquals(ListRules.KeyOf(ti, rule.Keys), key)) { idx = i; break; }
                        if (idx >= 0) ta[idx] = Merge(ta[idx]!.DeepClone(), item, "", itemRules);
                        else ta.Add(item.DeepClone());
                    }
                    return ta;
                }
                return aa.DeepClone();
            default:
                return applied?.DeepClone();
        }
    }

    private static ApiException ConflictError(ResourceType t, string name, List<(string Manager, string ApiVersion, string Path)> conflicts)
    {
        var details = new JsonObject { ["name"] = name, ["group"] = t.Group, ["kind"] = t.Plural };
        var causes = new JsonArray();
        foreach (var c in conflicts)
            causes.Add(new JsonObject { ["reason"] = "FieldManagerConflict", ["message"] = $"conflict with \"{c.Manager}\" using {c.ApiVersion}", ["field"] = FieldPaths.Display(c.Path) });
        details["causes"] = causes;
        var lines = string.Join("\n", conflicts.Select(c => $"- {FieldPaths.Display(c.Path)}: conflict with \"{c.Manager}\" using {c.ApiVersion}"));
        return new ApiException(409, "Conflict", $"Apply failed with {conflicts.Count} conflict{(conflicts.Count == 1 ? "" : "s")}:\n{lines}", details);
    }

    private static List<Entry> Read(JsonObject? obj)
    {
        var list = new List<Entry>();
        if (obj?["metadata"]?["managedFields"] is not JsonArray arr) return list;
        foreach (var e in arr.OfType<JsonObject>())
            list.Add(new Entry(JsonPaths.Str(e, "manager") ?? "", JsonPaths.Str(e, "operation") ?? "Update", JsonPaths.Str(e, "apiVersion") ?? "",
                JsonPaths.Str(e, "subresource") ?? "", FieldPaths.FromFieldsV1(e["fieldsV1"] as JsonObject)));
        return list;
    }

    private void Write(JsonObject obj, List<Entry> entries)
    {
        var arr = new JsonArray();
        var now = ObjectStore.FormatTime(time.GetUtcNow());
        foreach (var e in entries.Where(e => e.Fields.Count > 0))
        {
            var o = new JsonObject { ["manager"] = e.Manager, ["operation"] = e.Operation, ["apiVersion"] = e.ApiVersion, ["time"] = now, ["fieldsType"] = "FieldsV1", ["fieldsV1"] = FieldPaths.ToFieldsV1(e.Fields) };
            if (e.Subresource.Length > 0) o["subresource"] = e.Subresource;
            arr.Add(o);
        }
        var meta = JsonPaths.Metadata(obj);
        if (arr.Count > 0) meta["managedFields"] = arr; else meta.Remove("managedFields");
    }
}
