using System.Text.Json.Nodes;
using Tandem.Emulator.Storage;

namespace Tandem.Emulator.Selectors;

/// <summary>
/// A parsed label selector in the query-string form (`a=b,c!=d,e in (x,y),f notin (z),g,!h`).
/// Hand-written: a small tokenizer, since KubernetesClient has no selector parser.
/// </summary>
public sealed class LabelSelector
{
    private readonly List<Func<IReadOnlyDictionary<string, string>, bool>> _terms = [];

    public static readonly LabelSelector Everything = new();

    public bool IsEmpty => _terms.Count == 0;

    public static LabelSelector Parse(string? text)
    {
        var sel = new LabelSelector();
        if (string.IsNullOrWhiteSpace(text)) return sel;
        foreach (var raw in SplitTerms(text))
        {
            var term = raw.Trim();
            if (term.Length == 0) continue;
            sel._terms.Add(ParseTerm(term));
        }
        return sel;
    }

    /// <summary>The string form of a metav1.LabelSelector object (matchLabels + matchExpressions).</summary>
    public static string FromObject(JsonObject? selector)
    {
        if (selector is null) return "";
        var parts = new List<string>();
        if (selector["matchLabels"] is JsonObject ml)
            foreach (var (k, v) in ml.OrderBy(p => p.Key, StringComparer.Ordinal)) parts.Add($"{k}={v?.GetValue<string>()}");
        if (selector["matchExpressions"] is JsonArray me)
            foreach (var e in me.OfType<JsonObject>())
            {
                var key = JsonPaths.Str(e, "key");
                var op = JsonPaths.Str(e, "operator");
                var values = (e["values"] as JsonArray)?.Select(v => v?.GetValue<string>() ?? "").ToList() ?? [];
                parts.Add(op switch
                {
                    "In" => $"{key} in ({string.Join(",", values)})",
                    "NotIn" => $"{key} notin ({string.Join(",", values)})",
                    "Exists" => $"{key}",
                    "DoesNotExist" => $"!{key}",
                    _ => throw ApiException.BadRequest($"matchExpressions operator \"{op}\" is not one of In, NotIn, Exists, DoesNotExist"),
                });
            }
        return string.Join(",", parts);
    }

    public bool Matches(JsonObject obj)
    {
        if (_terms.Count == 0) return true;
        var labels = new Dictionary<string, string>();
        if (obj["metadata"]?["labels"] is JsonObject l)
            foreach (var (k, v) in l) labels[k] = v is JsonValue jv && jv.TryGetValue<string>(out var s) ? s : "";
        return _terms.All(t => t(labels));
    }

    public bool Matches(IReadOnlyDictionary<string, string> labels) => _terms.All(t => t(labels));

    private static IEnumerable<string> SplitTerms(string text)
    {
        int depth = 0, start = 0;
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] == '(') depth++;
            else if (text[i] == ')') depth--;
            else if (text[i] == ',' && depth == 0) { yield return text[start..i]; start = i + 1; }
        }
        yield return text[start..];
    }

    private static Func<IReadOnlyDictionary<string, string>, bool> ParseTerm(string term)
    {
        if (term.StartsWith('!'))
        {
            var key = term[1..].Trim();
            return l => !l.ContainsKey(key);
        }
        var setMatch = System.Text.RegularExpressions.Regex.Match(term, @"^(\S+)\s+(in|notin)\s*\((.*)\)$");
        if (setMatch.Success)
        {
            var key = setMatch.Groups[1].Value;
            var values = setMatch.Groups[3].Value.Split(',', StringSplitOptions.TrimEntries).ToHashSet();
            return setMatch.Groups[2].Value == "in"
                ? l => l.TryGetValue(key, out var v) && values.Contains(v)
                : l => !l.TryGetValue(key, out var v) || !values.Contains(v);
        }
        foreach (var op in new[] { "!=", "==", "=" })
        {
            var idx = term.IndexOf(op, StringComparison.Ordinal);
            if (idx <= 0) continue;
            var key = term[..idx].Trim();
            var value = term[(idx + op.Length)..].Trim();
            return op == "!="
                ? l => !l.TryGetValue(key, out var v) || v != value
                : l => l.TryGetValue(key, out var v) && v == value;
        }
        if (term.Contains(' ') || term.Contains('(')) throw ApiException.BadRequest($"labelSelector: unable to parse requirement \"{term}\"");
        return l => l.ContainsKey(term);
    }
}
