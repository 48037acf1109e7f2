using System.Text.Json.Nodes;

namespace Tandem.Emulator.Patching;

/// <summary>How a list is merged and owned: replaced whole, a set of values, or a map of items by key fields.</summary>
public enum ListKind { Atomic, Set, Map }

/// <summary>The list semantics for one list field.</summary>
public sealed record ListRule(ListKind Kind, IReadOnlyList<string> Keys)
{
    public static readonly ListRule Atomic = new(ListKind.Atomic, []);
}

/// <summary>
/// Where list semantics come from at a point of an object: a CRD schema node (x-kubernetes-list-type and
/// x-kubernetes-list-map-keys; a list without them is atomic) or, for built-in kinds and metadata, the strategic merge
/// key table.
/// </summary>
public sealed class ListRules
{
    private readonly JsonObject? _schema;
    private readonly bool _fromSchema;

    private ListRules(JsonObject? schema, bool fromSchema)
    {
        _schema = schema;
        _fromSchema = fromSchema;
    }

    public static readonly ListRules BuiltIn = new(null, false);

    public static ListRules FromSchema(JsonObject? schema) => new(schema, true);

    public ListRules ForField(string name) => _fromSchema ? new ListRules(Child(_schema, name), true) : this;

    public ListRules ForItems() => _fromSchema ? new ListRules(_schema?["items"] as JsonObject, true) : this;

    public ListRule ForList(string field, JsonArray sample)
    {
        if (_fromSchema)
        {
            return (_schema?["x-kubernetes-list-type"] as JsonValue)?.GetValue<string>() switch
            {
                "set" => new ListRule(ListKind.Set, []),
                "map" when _schema?["x-kubernetes-list-map-keys"] is JsonArray keys => new ListRule(ListKind.Map, [.. keys.Select(k => k!.GetValue<string>())]),
                _ => ListRule.Atomic,
            };
        }
        if (StrategicMergePatch.IsPrimitiveMergeList(field)) return new ListRule(ListKind.Set, []);
        var key = StrategicMergePatch.MergeKeyOf(field, sample);
        return key is not null && sample.All(i => i is JsonObject o && o.ContainsKey(key)) ? new ListRule(ListKind.Map, [key]) : ListRule.Atomic;
    }

    /// <summary>The schema of a property: its declared properties entry, else additionalProperties.</summary>
    public static JsonObject? Child(JsonObject? schema, string name) =>
        schema?["properties"]?[name] as JsonObject ?? schema?["additionalProperties"] as JsonObject;

    /// <summary>The key object of a map-list item (only its key fields).</summary>
    public static JsonObject KeyOf(JsonObject item, IReadOnlyList<string> keys)
    {
        var key = new JsonObject();
        foreach (var k in keys) key[k] = item[k]?.DeepClone();
        return key;
    }
}
