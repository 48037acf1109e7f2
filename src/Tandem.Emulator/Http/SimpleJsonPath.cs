using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Tandem.Emulator.Http;

/// <summary>
/// The JSONPath subset printer columns use: `.a.b`, `.a[0]`, `.a[*].b` and filters `.a[?(@.type=="Ready")].status`.
/// Hand-written and small; a list result is joined with commas as kubectl does.
/// </summary>
public static partial class SimpleJsonPath
{
    [GeneratedRegex("""^\?\(@\.([A-Za-z0-9_.]+)\s*==\s*["']([^"']*)["']\)$""")]
    private static partial Regex Filter();

    public static JsonNode? Evaluate(JsonNode? root, string path)
    {
        var p = path.Trim();
        if (p.StartsWith('{') && p.EndsWith('}')) p = p[1..^1];
        if (p.StartsWith('$')) p = p[1..];
        var current = new List<JsonNode?> { root };
        foreach (var token in Tokenize(p))
        {
            var next = new List<JsonNode?>();
            foreach (var node in current)
            {
                if (token.StartsWith('['))
                {
                    var inner = token[1..^1];
                    if (node is not JsonArray a) continue;
                    if (inner == "*") next.AddRange(a);
                    else if (int.TryParse(inner, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i)) { if (i < 0) i += a.Count; if (i >= 0 && i < a.Count) next.Add(a[i]); }
                    else if (Filter().Match(inner) is { Success: true } m)
                        next.AddRange(a.Where(item => Stringify(Walk(item, m.Groups[1].Value)) == m.Groups[2].Value));
                }
                else if (node is JsonObject o && o.TryGetPropertyValue(token, out var child)) next.Add(child);
            }
            current = next;
        }
        if (current.Count == 0) return null;
        if (current.Count == 1) return current[0];
        return JsonValue.Create(string.Join(",", current.Select(Stringify)));
    }

    private static JsonNode? Walk(JsonNode? node, string dotted)
    {
        foreach (var part in dotted.Split('.')) node = node is JsonObject o && o.TryGetPropertyValue(part, out var c) ? c : null;
        return node;
    }

    private static string? Stringify(JsonNode? n) => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : n?.ToJsonString();

    private static IEnumerable<string> Tokenize(string p)
    {
        int i = 0;
        while (i < p.Length)
        {
            if (p[i] == '.') { i++; continue; }
            if (p[i] == '[')
            {
                var end = p.IndexOf(']', i);
                if (end < 0) yield break;
                yield return p[i..(end + 1)];
                i = end + 1;
                continue;
            }
            int start = i;
            while (i < p.Length && p[i] != '.' && p[i] != '[') i++;
            yield return p[start..i];
        }
    }
}
