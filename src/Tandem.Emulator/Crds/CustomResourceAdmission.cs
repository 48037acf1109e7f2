using System.Text.Json.Nodes;
using Tandem.Api.Schema;
using Tandem.Emulator.Storage;

namespace Tandem.Emulator.Crds;

/// <summary>
/// Admission of custom resources, as the apiserver does it with the CRD's structural schema (the project's shared
/// <see cref="StructuralSchema"/>): unknown fields are rejected under fieldValidation=Strict and pruned otherwise,
/// defaults are applied, then the object is validated (types, required, enums, bounds, x-kubernetes-validations).
/// A resource with a status subresource also drops status on create.
/// </summary>
public sealed class CustomResourceAdmission : IStoreHook
{
    public void BeforeWrite(WriteContext c)
    {
        if (!c.Type.IsCustom) return;
        if (c.Operation == WriteOperation.Create && c.Type.HasStatus) c.Object.Remove("status");
        if (c.Type.Schema is not { } schema) return;
        var name = JsonPaths.Str(c.Object["metadata"] as JsonObject, "name") ?? "";
        var before = c.Object.DeepClone().AsObject();
        StructuralSchema.Prune(c.Object, schema);
        var unknown = RemovedPaths(before, c.Object, "").ToList();
        if (unknown.Count > 0 && RequestContext.FieldValidation == "Strict")
        {
            var list = string.Join(", ", unknown.Select(u => $"unknown field \"{u}\""));
            throw ApiException.BadRequest($"{c.Type.Kind} in version \"{c.Type.Version}\" cannot be handled as a {c.Type.Kind}: strict decoding error: {list}");
        }
        StructuralSchema.ApplyDefaults(c.Object, schema);
        var errors = StructuralSchema.Validate(c.Object, schema);
        if (errors.Count > 0) throw ApiException.Invalid(c.Type, name, errors.Select(e => (e.Path, Reason(e.Rule), e.Message)));
    }

    public void AfterCommit(ResourceType type, JsonObject? old, JsonObject? current) { }

    private static string Reason(string rule) => rule switch
    {
        "required" => "FieldValueRequired",
        "enum" => "FieldValueNotSupported",
        "type" => "FieldValueTypeInvalid",
        _ => "FieldValueInvalid",
    };

    private static IEnumerable<string> RemovedPaths(JsonNode? before, JsonNode? after, string path)
    {
        switch (before)
        {
            case JsonObject b when after is JsonObject a:
                foreach (var (k, v) in b)
                {
                    var p = path.Length == 0 ? k : $"{path}.{k}";
                    if (!a.ContainsKey(k)) yield return p;
                    else foreach (var r in RemovedPaths(v, a[k], p)) yield return r;
                }
                break;
            case JsonArray b when after is JsonArray a && a.Count == b.Count:
                for (int i = 0; i < b.Count; i++)
                    foreach (var r in RemovedPaths(b[i], a[i], $"{path}[{i}]")) yield return r;
                break;
        }
    }
}
