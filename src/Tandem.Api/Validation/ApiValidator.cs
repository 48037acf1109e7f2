using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using k8s;
using Tandem.Api.Schema;

namespace Tandem.Api.Validation;

/// <summary>
/// The operator's re-check of an object against the same schema and rules its CRD carries (a spec may reach the
/// operator without the apiserver's validation, e.g. from an older CRD), so an invalid spec is reported, not acted on.
/// </summary>
public static class ApiValidator
{
    private static readonly ConcurrentDictionary<Type, JsonObject> Schemas = new();

    /// <summary>Every field error of <paramref name="resource"/>; empty when valid.</summary>
    public static IReadOnlyList<FieldError> Validate<T>(T resource)
        where T : class
    {
        var schema = Schemas.GetOrAdd(typeof(T), t => new CrdGenerator(XmlDocs.Empty).RootSchema(t));
        var json = JsonNode.Parse(KubernetesJson.Serialize(resource));
        return StructuralSchema.Validate(json, schema);
    }

    /// <summary>One line naming every bad field and its rule, for a condition message or an error.</summary>
    public static string Describe(IReadOnlyList<FieldError> errors) => string.Join("; ", errors.Select(e => e.ToString()));
}
