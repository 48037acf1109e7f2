using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Tandem.Api.Serialization;
using Tandem.Api.Validation;

namespace Tandem.Api.Schema;

/// <summary>
/// What the apiserver does with a CRD's structural schema, on JSON: defaulting, pruning of unknown fields, and
/// validation (types, required, enum, bounds, lengths, pattern, and the <c>x-kubernetes-validations</c> rules that
/// <see cref="ValidationRules"/> knows). Used by the API emulator for every CRD and by the operator to re-check specs.
/// Written here because no OpenAPI-structural-schema library for .NET is available; it covers the keywords
/// structural schemas allow.
/// </summary>
public static class StructuralSchema
{
    private static readonly string[] RootMetaFields = ["apiVersion", "kind", "metadata"];

    /// <summary>Fills absent properties that have a <c>default</c>, recursively (defaults are themselves defaulted).</summary>
    public static void ApplyDefaults(JsonNode? node, JsonObject schema)
    {
        switch (node)
        {
            case JsonObject obj:
                if (schema["properties"] is JsonObject properties)
                {
                    foreach (var (name, propertySchema) in properties)
                    {
                        if (propertySchema is not JsonObject ps)
                        {
                            continue;
                        }

                        if (!obj.ContainsKey(name) && ps["default"] is { } value)
                        {
                            obj[name] = value.DeepClone();
                        }

                        if (obj[name] is { } child)
                        {
                            ApplyDefaults(child, ps);
                        }
                    }
                }

                if (schema["additionalProperties"] is JsonObject valueSchema)
                {
                    foreach (var (_, child) in obj.ToArray())
                    {
                        ApplyDefaults(child, valueSchema);
                    }
                }

                break;
            case JsonArray array when schema["items"] is JsonObject itemSchema:
                foreach (var item in array)
                {
                    ApplyDefaults(item, itemSchema);
                }

                break;
        }
    }

    /// <summary>Removes fields the schema does not declare, unless <c>x-kubernetes-preserve-unknown-fields</c> says keep them.
    /// At the root, apiVersion, kind and metadata are always kept.</summary>
    public static void Prune(JsonNode? node, JsonObject schema, bool isRoot = true)
    {
        if (IsTrue(schema, "x-kubernetes-preserve-unknown-fields") && schema["properties"] is null)
        {
            return;
        }

        switch (node)
        {
            case JsonObject obj:
                var properties = schema["properties"] as JsonObject;
                var valueSchema = schema["additionalProperties"] as JsonObject;
                foreach (var (name, child) in obj.ToArray())
                {
                    if (isRoot && RootMetaFields.Contains(name))
                    {
                        continue;
                    }

                    if (properties?[name] is JsonObject ps)
                    {
                        Prune(child, ps, isRoot: false);
                    }
                    else if (valueSchema is not null)
                    {
                        Prune(child, valueSchema, isRoot: false);
                    }
                    else if (!IsTrue(schema, "x-kubernetes-preserve-unknown-fields"))
                    {
                        obj.Remove(name);
                    }
                }

                break;
            case JsonArray array when schema["items"] is JsonObject itemSchema:
                foreach (var item in array)
                {
                    Prune(item, itemSchema, isRoot: false);
                }

                break;
        }
    }

    /// <summary>Every way <paramref name="node"/> breaks <paramref name="schema"/>; empty when it is valid.</summary>
    public static IReadOnlyList<FieldError> Validate(JsonNode? node, JsonObject schema, string path = "")
    {
        var errors = new List<FieldError>();
        Check(node, schema, path, errors, isRoot: path.Length == 0);
        return errors;
    }

    private static void Check(JsonNode? node, JsonObject schema, string path, List<FieldError> errors, bool isRoot)
    {
        if (node is null)
        {
            if (!IsTrue(schema, "nullable") && schema["type"] is not null)
            {
                errors.Add(new FieldError(path, "type", $"Invalid value: \"null\": {path} in body must be of type {schema["type"]}: \"null\""));
            }

            return;
        }

        if (!TypeMatches(node, schema, out var actual))
        {
            errors.Add(new FieldError(path, "type", $"Invalid value: \"{actual}\": {path} in body must be of type {schema["type"]}: \"{actual}\""));
            return;
        }

        CheckEnum(node, schema, path, errors);
        CheckBounds(node, schema, path, errors);
        switch (node)
        {
            case JsonObject obj:
                CheckObject(obj, schema, path, errors, isRoot);
                break;
            case JsonArray array:
                CheckArray(array, schema, path, errors);
                break;
        }

        CheckRules(node, schema, path, errors);
    }

    private static void CheckObject(JsonObject obj, JsonObject schema, string path, List<FieldError> errors, bool isRoot)
    {
        if (schema["required"] is JsonArray required)
        {
            foreach (var name in required.Select(r => r!.GetValue<string>()))
            {
                if (!obj.ContainsKey(name))
                {
                    errors.Add(new FieldError(Join(path, name), "required", "Required value"));
                }
            }
        }

        var properties = schema["properties"] as JsonObject;
        var valueSchema = schema["additionalProperties"] as JsonObject;
        foreach (var (name, child) in obj)
        {
            if (isRoot && name is "metadata")
            {
                continue;
            }

            if (properties?[name] is JsonObject ps)
            {
                Check(child, ps, Join(path, name), errors, isRoot: false);
            }
            else if (valueSchema is not null)
            {
                Check(child, valueSchema, Join(path, name), errors, isRoot: false);
            }
        }
    }

    private static void CheckArray(JsonArray array, JsonObject schema, string path, List<FieldError> errors)
    {
        if (Number(schema, "minItems") is { } minItems && array.Count < minItems)
        {
            errors.Add(new FieldError(path, "minItems", $"Invalid value: {array.Count}: {path} in body should have at least {minItems} items"));
        }

        if (Number(schema, "maxItems") is { } maxItems && array.Count > maxItems)
        {
            errors.Add(new FieldError(path, "maxItems", $"Too many: {array.Count}: must have at most {maxItems} items"));
        }

        if (schema["items"] is JsonObject itemSchema)
        {
            for (var i = 0; i < array.Count; i++)
            {
                Check(array[i], itemSchema, $"{path}[{i}]", errors, isRoot: false);
            }
        }

        if (schema["x-kubernetes-list-type"]?.GetValue<string>() is "set")
        {
            var seen = new HashSet<string>();
            for (var i = 0; i < array.Count; i++)
            {
                if (!seen.Add(array[i]?.ToJsonString() ?? "null"))
                {
                    errors.Add(new FieldError($"{path}[{i}]", "x-kubernetes-list-type", $"Duplicate value: {array[i]?.ToJsonString()}"));
                }
            }
        }
        else if (schema["x-kubernetes-list-type"]?.GetValue<string>() is "map" && schema["x-kubernetes-list-map-keys"] is JsonArray keys)
        {
            var seen = new HashSet<string>();
            for (var i = 0; i < array.Count; i++)
            {
                var key = string.Join("\u0000", keys.Select(k => array[i]?[k!.GetValue<string>()]?.ToJsonString() ?? "null"));
                if (!seen.Add(key))
                {
                    errors.Add(new FieldError($"{path}[{i}]", "x-kubernetes-list-map-keys", $"Duplicate value: {{{string.Join(", ", keys.Select(k => $"\"{k}\":{array[i]?[k!.GetValue<string>()]?.ToJsonString()}"))}}}"));
                }
            }
        }
    }

    private static void CheckEnum(JsonNode node, JsonObject schema, string path, List<FieldError> errors)
    {
        if (schema["enum"] is not JsonArray allowed || allowed.Any(a => JsonNode.DeepEquals(a, node)))
        {
            return;
        }

        var supported = string.Join(", ", allowed.Select(a => a!.ToJsonString()));
        errors.Add(new FieldError(path, "enum", $"Unsupported value: {node.ToJsonString()}: supported values: {supported}"));
    }

    private static void CheckBounds(JsonNode node, JsonObject schema, string path, List<FieldError> errors)
    {
        if (JsonNumbers.AsDouble(node) is { } number)
        {
            var shown = number.ToString(CultureInfo.InvariantCulture);
            if (Number(schema, "minimum") is { } min)
            {
                var exclusive = IsTrue(schema, "exclusiveMinimum");
                if (exclusive ? number <= min : number < min)
                {
                    errors.Add(new FieldError(path, "minimum", $"Invalid value: {shown}: {path} in body should be greater than {(exclusive ? "" : "or equal to ")}{Show(min)}"));
                }
            }

            if (Number(schema, "maximum") is { } max)
            {
                var exclusive = IsTrue(schema, "exclusiveMaximum");
                if (exclusive ? number >= max : number > max)
                {
                    errors.Add(new FieldError(path, "maximum", $"Invalid value: {shown}: {path} in body should be less than {(exclusive ? "" : "or equal to ")}{Show(max)}"));
                }
            }
        }

        if (node is JsonValue text && text.GetValueKind() == JsonValueKind.String)
        {
            var s = text.GetValue<string>();
            if (Number(schema, "minLength") is { } minLength && s.Length < minLength)
            {
                errors.Add(new FieldError(path, "minLength", $"Invalid value: \"{s}\": {path} in body should be at least {minLength} chars long"));
            }

            if (Number(schema, "maxLength") is { } maxLength && s.Length > maxLength)
            {
                errors.Add(new FieldError(path, "maxLength", $"Too long: may not be more than {maxLength} bytes"));
            }

            if (schema["pattern"]?.GetValue<string>() is { } pattern && !Regex.IsMatch(s, pattern))
            {
                errors.Add(new FieldError(path, "pattern", $"Invalid value: \"{s}\": {path} in body should match '{pattern}'"));
            }
        }
    }

    private static void CheckRules(JsonNode node, JsonObject schema, string path, List<FieldError> errors)
    {
        if (schema["x-kubernetes-validations"] is not JsonArray rules || node is not JsonObject self)
        {
            return;
        }

        foreach (var entry in rules.OfType<JsonObject>())
        {
            var cel = entry["rule"]?.GetValue<string>();
            if (cel is null || !ValidationRules.ByCel.TryGetValue(cel, out var rule) || rule.Holds(self))
            {
                continue;
            }

            var fieldPath = entry["fieldPath"]?.GetValue<string>() is { } relative ? path + relative : path;
            errors.Add(new FieldError(fieldPath.TrimStart('.'), cel, $"Invalid value: \"object\": {rule.MessageFor(self)}"));
        }
    }

    private static bool TypeMatches(JsonNode node, JsonObject schema, out string actual)
    {
        actual = node switch
        {
            JsonObject => "object",
            JsonArray => "array",
            JsonValue v => v.GetValueKind() switch
            {
                JsonValueKind.String => "string",
                JsonValueKind.Number => IsInteger(v) ? "integer" : "number",
                JsonValueKind.True or JsonValueKind.False => "boolean",
                _ => "null",
            },
            _ => "null",
        };
        if (IsTrue(schema, "x-kubernetes-int-or-string"))
        {
            return actual is "integer" or "string";
        }

        var expected = schema["type"]?.GetValue<string>();
        return expected switch
        {
            null => true,
            "number" => actual is "number" or "integer",
            _ => expected == actual,
        };
    }

    private static bool IsInteger(JsonValue value) =>
        JsonNumbers.TryGetDouble(value, out var d) && Math.Abs(d % 1) < double.Epsilon && Math.Abs(d) < 9e15;

    private static double? Number(JsonObject schema, string keyword) => JsonNumbers.AsDouble(schema[keyword]);

    private static bool IsTrue(JsonObject schema, string keyword) =>
        schema[keyword] is JsonValue v && v.TryGetValue<bool>(out var b) && b;

    private static string Show(double value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";
}
