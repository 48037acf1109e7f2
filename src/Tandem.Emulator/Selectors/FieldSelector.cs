using System.Text.Json.Nodes;
using Tandem.Emulator.Storage;

namespace Tandem.Emulator.Selectors;

/// <summary>A parsed field selector (`metadata.name=x,status.phase!=Running`): = / == / != on dotted paths.</summary>
public sealed class FieldSelector
{
    // Events select on every involvedObject field the real apiserver lists (pkg/registry/core/event ToSelectableFields):
    // kubectl events --for KIND/NAME sends involvedObject.apiVersion as well.
    private static readonly HashSet<string> Supported =
        ["metadata.name", "metadata.namespace", "spec.nodeName", "status.phase", "involvedObject.name", "involvedObject.kind",
         "involvedObject.namespace", "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath",
         "type", "reason", "reportingComponent", "source", "spec.schedulerName", "status.podIP"];

    /// <summary>Selector field labels whose value lives at another path.</summary>
    private static readonly Dictionary<string, string> Paths = new(StringComparer.Ordinal) { ["source"] = "source.component" };

    private readonly List<(string Path, bool Equal, string Value)> _terms = [];

    public static FieldSelector Parse(string? text)
    {
        var sel = new FieldSelector();
        if (string.IsNullOrWhiteSpace(text)) return sel;
        foreach (var raw in text.Split(','))
        {
            var term = raw.Trim();
            if (term.Length == 0) continue;
            var (op, idx) = term.IndexOf("!=", StringComparison.Ordinal) is var ne and > 0 ? ("!=", ne)
                : term.IndexOf("==", StringComparison.Ordinal) is var ee and > 0 ? ("==", ee)
                : ("=", term.IndexOf('='));
            if (idx <= 0) throw ApiException.BadRequest($"fieldSelector: invalid selector \"{term}\": expected key=value, key==value or key!=value");
            var path = term[..idx].Trim();
            if (!Supported.Contains(path)) throw ApiException.BadRequest($"fieldSelector: field label not supported: {path}");
            sel._terms.Add((Paths.GetValueOrDefault(path, path), op != "!=", term[(idx + op.Length)..].Trim()));
        }
        return sel;
    }

    public bool Matches(JsonObject obj)
    {
        foreach (var (path, equal, value) in _terms)
        {
            var actual = JsonPaths.Get(obj, path) is JsonValue v && v.TryGetValue<string>(out var s) ? s : "";
            if ((actual == value) != equal) return false;
        }
        return true;
    }
}
