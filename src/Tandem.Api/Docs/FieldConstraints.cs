using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;
using Tandem.Api.Schema;
using Tandem.Api.Serialization;

namespace Tandem.Api.Docs;

/// <summary>Says in plain words what a field's schema allows: enum, bounds, lengths, list shape and pattern.</summary>
public sealed class FieldConstraints
{
    private readonly IReadOnlyDictionary<string, string> _patternForms;

    /// <summary>A describer that names each pattern by the form given here (regex → words); unknown patterns are quoted.</summary>
    public FieldConstraints(IReadOnlyDictionary<string, string> patternForms) => _patternForms = patternForms;

    /// <summary>
    /// Pattern forms of the API: durations, plus every <see cref="PatternAttribute"/> on a property of this assembly,
    /// so the words come from the same attribute that puts the pattern into the CRD.
    /// </summary>
    public static FieldConstraints ForApi()
    {
        var forms = new Dictionary<string, string> { [GoDuration.Pattern] = "a duration such as 500ms, 30s or 1m30s" };
        var properties = typeof(FieldConstraints).Assembly.GetTypes()
            .SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly));
        foreach (var pattern in properties.Select(p => p.GetCustomAttribute<PatternAttribute>()).OfType<PatternAttribute>())
        {
            forms[pattern.Regex] = pattern.Form;
        }

        return new FieldConstraints(forms);
    }

    /// <summary>The constraints of <paramref name="schema"/>, one markdown phrase each (values in code spans), in a stable order.</summary>
    public IReadOnlyList<string> Describe(JsonObject schema)
    {
        var phrases = new List<string>();
        var enumSource = schema["enum"] is JsonArray ? schema : schema["items"] as JsonObject;
        if (enumSource?["enum"] is JsonArray values)
        {
            var prefix = ReferenceEquals(enumSource, schema) ? "one of" : "each one of";
            phrases.Add($"{prefix} {string.Join(", ", values.Select(v => $"`{v!.GetValue<string>()}`"))}");
        }

        if (Bounds(schema) is { } bounds)
        {
            phrases.Add(bounds);
        }

        if (Int(schema, "minLength") is { } minLength)
        {
            phrases.Add(minLength == 1 ? "not empty" : $"at least {minLength} characters");
        }

        if (Int(schema, "maxLength") is { } maxLength)
        {
            phrases.Add($"at most {maxLength} characters");
        }

        if (schema["pattern"]?.GetValue<string>() is { } pattern)
        {
            phrases.Add(_patternForms.TryGetValue(pattern, out var form) ? form : $"matches the regular expression `{pattern}`");
        }

        if (Int(schema, "maxItems") is { } maxItems)
        {
            phrases.Add($"at most {maxItems} items");
        }

        switch (schema["x-kubernetes-list-type"]?.GetValue<string>())
        {
            case "set":
                phrases.Add("no duplicates");
                break;
            case "map":
                var keys = (schema["x-kubernetes-list-map-keys"] as JsonArray)?.Select(k => $"`{k!.GetValue<string>()}`") ?? [];
                phrases.Add($"one entry per {string.Join(" and ", keys)}");
                break;
        }

        return phrases;
    }

    private static string? Bounds(JsonObject schema)
    {
        var min = Number(schema, "minimum");
        var max = Number(schema, "maximum");
        var exclusive = schema["exclusiveMinimum"]?.GetValue<bool>() == true;
        return (min, max) switch
        {
            ({ } lo, { } hi) when !exclusive => $"from {Text(lo)} to {Text(hi)}",
            ({ } lo, { } hi) => $"greater than {Text(lo)}, at most {Text(hi)}",
            ({ } lo, null) => exclusive ? $"greater than {Text(lo)}" : $"at least {Text(lo)}",
            (null, { } hi) => $"at most {Text(hi)}",
            _ => null,
        };
    }

    private static double? Number(JsonObject schema, string name) => JsonNumbers.AsDouble(schema[name]);

    private static long? Int(JsonObject schema, string name) => JsonNumbers.AsDouble(schema[name]) is { } value ? (long)value : null;

    private static string Text(double value) => value.ToString("0.######", CultureInfo.InvariantCulture);
}
