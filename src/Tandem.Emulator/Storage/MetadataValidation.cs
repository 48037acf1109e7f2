using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Tandem.Emulator.Storage;

/// <summary>
/// The ObjectMeta rules every kind shares: label keys and values, annotation keys and total size, finalizer names, and
/// owner references with apiVersion, kind, name and uid — rejected with 422 naming the field, like the apiserver.
/// </summary>
public sealed partial class MetadataValidation : IStoreHook
{
    private const int MaxAnnotationBytes = 256 * 1024;

    [GeneratedRegex("^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")]
    private static partial Regex QualifiedName();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex Subdomain();

    public void BeforeWrite(WriteContext c)
    {
        if (c.Operation == WriteOperation.Delete || c.Object["metadata"] is not JsonObject meta) return;
        var errors = Validate(meta).ToList();
        if (errors.Count > 0) throw ApiException.Invalid(c.Type, JsonPaths.Str(meta, "name") ?? "", errors);
    }

    public void AfterCommit(ResourceType type, JsonObject? old, JsonObject? current) { }

    public static IEnumerable<(string Field, string Type, string Message)> Validate(JsonObject meta)
    {
        if (meta["labels"] is JsonObject labels)
            foreach (var (key, value) in labels)
            {
                if (KeyError(key) is { } ke) yield return ("metadata.labels", "FieldValueInvalid", $"Invalid value: \"{key}\": {ke}");
                var v = value is JsonValue jv && jv.TryGetValue<string>(out var s) ? s : null;
                if (v is null) yield return ($"metadata.labels", "FieldValueInvalid", $"Invalid value: {value?.ToJsonString() ?? "null"}: label values must be strings");
                else if (v.Length > 63 || (v.Length > 0 && !QualifiedName().IsMatch(v)))
                    yield return ("metadata.labels", "FieldValueInvalid", $"Invalid value: \"{v}\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character, at most 63 characters");
            }
        if (meta["annotations"] is JsonObject annotations)
        {
            long size = 0;
            foreach (var (key, value) in annotations)
            {
                if (KeyError(key) is { } ke) yield return ("metadata.annotations", "FieldValueInvalid", $"Invalid value: \"{key}\": {ke}");
                size += key.Length + (value is JsonValue v && v.TryGetValue<string>(out var s) ? s.Length : 0);
            }
            if (size > MaxAnnotationBytes) yield return ("metadata.annotations", "FieldValueTooLong", $"Too long: must have at most {MaxAnnotationBytes} bytes");
        }
        if (meta["finalizers"] is JsonArray finalizers)
            foreach (var f in finalizers)
            {
                var name = f is JsonValue fv && fv.TryGetValue<string>(out var s) ? s : "";
                if (KeyError(name) is { } fe) yield return ("metadata.finalizers", "FieldValueInvalid", $"Invalid value: \"{name}\": {fe}");
            }
        if (meta["ownerReferences"] is JsonArray owners)
            for (int i = 0; i < owners.Count; i++)
                foreach (var required in new[] { "apiVersion", "kind", "name", "uid" })
                    if (string.IsNullOrEmpty(JsonPaths.Str(owners[i] as JsonObject, required)))
                        yield return ($"metadata.ownerReferences[{i}].{required}", "FieldValueRequired", "Required value");
    }

    /// <summary>Why a label/annotation key or finalizer name (`[prefix/]name`) is invalid, or null.</summary>
    private static string? KeyError(string key)
    {
        var slash = key.IndexOf('/');
        var (prefix, name) = slash < 0 ? (null, key) : (key[..slash], key[(slash + 1)..]);
        if (prefix is not null && (prefix.Length == 0 || prefix.Length > 253 || !Subdomain().IsMatch(prefix)))
            return "prefix part must be a lowercase RFC 1123 subdomain";
        if (name.Length == 0 || name.Length > 63 || !QualifiedName().IsMatch(name))
            return "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character, at most 63 characters";
        return null;
    }
}
