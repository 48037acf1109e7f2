namespace Tandem.Runtime.Cache;

/// <summary>
/// A parsed Kubernetes label selector string (<c>a=b,c!=d,e,!f,g in (x,y),h notin (z)</c>), matched in memory against
/// cached objects. Written here because KubernetesClient has no selector parser; kept small (see LabelSelectorTests).
/// </summary>
public sealed class LabelSelector
{
    private LabelSelector(IReadOnlyList<Requirement> requirements) => Requirements = requirements;

    /// <summary>The selector that matches everything.</summary>
    public static LabelSelector Everything { get; } = new([]);

    public IReadOnlyList<Requirement> Requirements { get; }

    /// <summary>One requirement on one label key.</summary>
    public sealed record Requirement(string Key, Operator Op, IReadOnlySet<string> Values)
    {
        public bool Matches(IDictionary<string, string>? labels)
        {
            string? value = null;
            var has = labels is not null && labels.TryGetValue(Key, out value);
            return Op switch
            {
                Operator.Exists => has,
                Operator.DoesNotExist => !has,
                Operator.In => has && Values.Contains(value!),
                Operator.NotIn => !has || !Values.Contains(value!),
                _ => false,
            };
        }
    }

    /// <summary>Selector operators (= and == are In with one value, != is NotIn with one value).</summary>
    public enum Operator { In, NotIn, Exists, DoesNotExist }

    public bool Matches(IDictionary<string, string>? labels)
    {
        foreach (var r in Requirements)
        {
            if (!r.Matches(labels)) return false;
        }

        return true;
    }

    /// <summary>A selector requiring every given label to equal its value (a matchLabels map).</summary>
    public static LabelSelector FromLabels(IEnumerable<KeyValuePair<string, string>> labels) =>
        new(labels.Select(kv => new Requirement(kv.Key, Operator.In, new HashSet<string> { kv.Value })).ToList());

    /// <summary>Parses a selector string; null or blank selects everything.</summary>
    /// <exception cref="FormatException">The selector is malformed; the message names the part and the rule.</exception>
    public static LabelSelector Parse(string? selector)
    {
        if (string.IsNullOrWhiteSpace(selector)) return Everything;
        var requirements = new List<Requirement>();
        foreach (var part in SplitTopLevel(selector))
        {
            requirements.Add(ParseRequirement(part.Trim(), selector));
        }

        return new LabelSelector(requirements);
    }

    public override string ToString() => string.Join(",", Requirements.Select(r => r.Op switch
    {
        Operator.Exists => r.Key,
        Operator.DoesNotExist => "!" + r.Key,
        Operator.In when r.Values.Count == 1 => $"{r.Key}={r.Values.First()}",
        Operator.NotIn when r.Values.Count == 1 => $"{r.Key}!={r.Values.First()}",
        Operator.In => $"{r.Key} in ({string.Join(",", r.Values.Order())})",
        _ => $"{r.Key} notin ({string.Join(",", r.Values.Order())})",
    }));

    // Commas separate requirements except inside the parentheses of a set.
    private static IEnumerable<string> SplitTopLevel(string selector)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < selector.Length; i++)
        {
            switch (selector[i])
            {
                case '(': depth++; break;
                case ')': depth--; break;
                case ',' when depth == 0:
                    yield return selector[start..i];
                    start = i + 1;
                    break;
            }
        }

        yield return selector[start..];
    }

    private static Requirement ParseRequirement(string part, string selector)
    {
        if (part.Length == 0) throw Bad(selector, "empty requirement (stray comma)");
        if (part.StartsWith('!')) return new Requirement(Key(part[1..], selector), Operator.DoesNotExist, new HashSet<string>());

        var ne = part.IndexOf("!=", StringComparison.Ordinal);
        if (ne >= 0) return Single(part[..ne], part[(ne + 2)..], Operator.NotIn, selector);
        var eqeq = part.IndexOf("==", StringComparison.Ordinal);
        if (eqeq >= 0) return Single(part[..eqeq], part[(eqeq + 2)..], Operator.In, selector);
        var eq = part.IndexOf('=');
        if (eq >= 0) return Single(part[..eq], part[(eq + 1)..], Operator.In, selector);

        var words = part.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (words.Length == 1) return new Requirement(Key(words[0], selector), Operator.Exists, new HashSet<string>());
        var rest = words[1];
        Operator op;
        if (rest.StartsWith("notin", StringComparison.Ordinal)) { op = Operator.NotIn; rest = rest[5..].Trim(); }
        else if (rest.StartsWith("in", StringComparison.Ordinal)) { op = Operator.In; rest = rest[2..].Trim(); }
        else throw Bad(selector, $"'{part}': expected '=', '!=', 'in (...)' or 'notin (...)'");
        if (!rest.StartsWith('(') || !rest.EndsWith(')')) throw Bad(selector, $"'{part}': a set must be written '(v1,v2)'");
        var values = rest[1..^1].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (values.Length == 0) throw Bad(selector, $"'{part}': a set needs at least one value");
        return new Requirement(Key(words[0], selector), op, values.ToHashSet());
    }

    private static Requirement Single(string key, string value, Operator op, string selector) =>
        new(Key(key, selector), op, new HashSet<string> { value.Trim() });

    private static string Key(string key, string selector)
    {
        key = key.Trim();
        if (key.Length == 0 || key.Any(c => char.IsWhiteSpace(c) || c is '(' or ')' or '!' or '=')) throw Bad(selector, $"'{key}' is not a valid label key");
        return key;
    }

    private static FormatException Bad(string selector, string rule) => new($"label selector \"{selector}\": {rule}");
}
