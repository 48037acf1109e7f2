using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using k8s.Models;
using Tandem.Api.V1Alpha1;
using Tandem.Api.Validation;

namespace Tandem.Api.Schema;

/// <summary>
/// Generates CustomResourceDefinitions from the C# API types: structural OpenAPI v3 schemas with descriptions from
/// the doc comments, defaults, enums, bounds, CEL rules, printer columns, names and subresources.
/// </summary>
public sealed class CrdGenerator(XmlDocs docs)
{
    /// <summary>The kinds Tandem serves, in the order their CRDs are written.</summary>
    public static IReadOnlyList<Type> Kinds { get; } = [typeof(ModelProfile), typeof(InferenceDeployment), typeof(EnginePool)];

    /// <summary>A generator reading this assembly's doc comments.</summary>
    public static CrdGenerator Create() => new(XmlDocs.For(typeof(CrdGenerator).Assembly));

    /// <summary>The CRD of <paramref name="kind"/> as JSON.</summary>
    public JsonObject Generate(Type kind)
    {
        var entity = kind.GetCustomAttribute<k8s.Models.KubernetesEntityAttribute>()!;
        var resource = kind.GetCustomAttribute<CustomResourceAttribute>()!;
        var names = new JsonObject
        {
            ["kind"] = entity.Kind,
            ["listKind"] = entity.Kind + "List",
            ["plural"] = resource.Plural,
            ["singular"] = resource.Singular,
        };
        if (resource.ShortNames.Length > 0)
        {
            names["shortNames"] = Strings(resource.ShortNames);
        }

        if (resource.Categories.Length > 0)
        {
            names["categories"] = Strings(resource.Categories);
        }

        var version = new JsonObject
        {
            ["name"] = entity.ApiVersion,
            ["served"] = true,
            ["storage"] = true,
            ["schema"] = new JsonObject { ["openAPIV3Schema"] = RootSchema(kind) },
        };
        var subresources = new JsonObject();
        if (resource.StatusSubresource)
        {
            subresources["status"] = new JsonObject();
        }

        if (resource.ScaleSpecReplicasPath is { } specPath)
        {
            var scale = new JsonObject { ["specReplicasPath"] = specPath, ["statusReplicasPath"] = resource.ScaleStatusReplicasPath };
            if (resource.ScaleLabelSelectorPath is { } selector)
            {
                scale["labelSelectorPath"] = selector;
            }

            subresources["scale"] = scale;
        }

        if (subresources.Count > 0)
        {
            version["subresources"] = subresources;
        }

        var columns = kind.GetCustomAttributes<PrinterColumnAttribute>().Select(c =>
        {
            var column = new JsonObject { ["name"] = c.Name, ["type"] = c.Type, ["jsonPath"] = c.JsonPath };
            if (c.Description is not null)
            {
                column["description"] = c.Description;
            }

            if (c.Priority != 0)
            {
                column["priority"] = c.Priority;
            }

            return (JsonNode)column;
        }).ToArray();
        if (columns.Length > 0)
        {
            version["additionalPrinterColumns"] = new JsonArray(columns);
        }

        return new JsonObject
        {
            ["apiVersion"] = "apiextensions.k8s.io/v1",
            ["kind"] = "CustomResourceDefinition",
            ["metadata"] = new JsonObject
            {
                ["name"] = $"{resource.Plural}.{entity.Group}",
                ["labels"] = new JsonObject { [WellKnownLabels.PartOf] = "tandem" },
            },
            ["spec"] = new JsonObject
            {
                ["group"] = entity.Group,
                ["names"] = names,
                ["scope"] = "Namespaced",
                ["versions"] = new JsonArray(version),
            },
        };
    }

    /// <summary>The <c>openAPIV3Schema</c> of <paramref name="kind"/>.</summary>
    public JsonObject RootSchema(Type kind)
    {
        var schema = ObjectSchema(kind);
        var properties = (JsonObject)schema["properties"]!;
        properties["apiVersion"] = new JsonObject { ["type"] = "string", ["description"] = "APIVersion defines the versioned schema of this representation of an object." };
        properties["kind"] = new JsonObject { ["type"] = "string", ["description"] = "Kind is a string value representing the REST resource this object represents." };
        properties["metadata"] = new JsonObject { ["type"] = "object" };
        return Reorder(schema, properties, ["apiVersion", "kind", "metadata", "spec", "status"]);
    }

    private JsonObject ObjectSchema(Type type)
    {
        var schema = new JsonObject { ["type"] = "object" };
        if (docs.Of(type) is { } description)
        {
            schema["description"] = description;
        }

        var properties = new JsonObject();
        var required = new List<string>();
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (!property.CanWrite || property.GetCustomAttribute<JsonIgnoreAttribute>() is not null
                || property.Name is nameof(ModelProfile.ApiVersion) or nameof(ModelProfile.Kind) or nameof(ModelProfile.Metadata) && type.GetInterface("IKubernetesObject`1") is not null)
            {
                continue;
            }

            var name = JsonName(property);
            properties[name] = PropertySchema(property);
            if (property.GetCustomAttribute<RequiredAttribute>() is not null)
            {
                required.Add(name);
            }
        }

        schema["properties"] = properties;
        if (required.Count > 0)
        {
            schema["required"] = Strings(required);
        }

        AddRules(schema, type.GetCustomAttributes<RuleAttribute>());
        return schema;
    }

    private JsonObject PropertySchema(PropertyInfo property)
    {
        var schema = TypeSchema(property.PropertyType);
        if (docs.Of(property) is { } description)
        {
            schema["description"] = description;
        }

        if (property.GetCustomAttribute<DefaultAttribute>() is { } scalarDefault)
        {
            schema["default"] = JsonValue.Create(scalarDefault.Value);
        }

        if (property.GetCustomAttribute<DefaultJsonAttribute>() is { } objectDefault)
        {
            schema["default"] = JsonNode.Parse(objectDefault.Json);
        }

        if (property.GetCustomAttribute<MinimumAttribute>() is { } minimum)
        {
            schema["minimum"] = Number(minimum.Value);
            if (minimum.Exclusive)
            {
                schema["exclusiveMinimum"] = true;
            }
        }

        if (property.GetCustomAttribute<MaximumAttribute>() is { } maximum)
        {
            schema["maximum"] = Number(maximum.Value);
        }

        if (property.GetCustomAttribute<MinLengthAttribute>() is { } minLength)
        {
            schema["minLength"] = minLength.Value;
        }

        if (property.GetCustomAttribute<MaxItemsAttribute>() is { } maxItems)
        {
            schema["maxItems"] = maxItems.Value;
        }

        if (property.GetCustomAttribute<PatternAttribute>() is { } pattern)
        {
            schema["pattern"] = pattern.Regex;
        }

        if (property.GetCustomAttribute<DurationAttribute>() is not null)
        {
            schema["pattern"] = GoDuration.Pattern;
        }

        if (property.GetCustomAttribute<EnumValuesAttribute>() is { } values)
        {
            schema["enum"] = Strings(values.Values);
        }

        if (property.GetCustomAttribute<ListTypeAttribute>() is { } listType)
        {
            schema["x-kubernetes-list-type"] = listType.Type;
            if (listType.Keys.Length > 0)
            {
                schema["x-kubernetes-list-map-keys"] = Strings(listType.Keys);
            }
        }

        AddRules(schema, property.GetCustomAttributes<RuleAttribute>());
        return schema;
    }

    private JsonObject TypeSchema(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string))
        {
            return new JsonObject { ["type"] = "string" };
        }

        if (type == typeof(int))
        {
            return new JsonObject { ["type"] = "integer", ["format"] = "int32" };
        }

        if (type == typeof(long))
        {
            return new JsonObject { ["type"] = "integer", ["format"] = "int64" };
        }

        if (type == typeof(double))
        {
            return new JsonObject { ["type"] = "number" };
        }

        if (type == typeof(bool))
        {
            return new JsonObject { ["type"] = "boolean" };
        }

        if (type == typeof(DateTime))
        {
            return new JsonObject { ["type"] = "string", ["format"] = "date-time" };
        }

        if (type.IsEnum)
        {
            return new JsonObject { ["type"] = "string", ["enum"] = Strings(EnumNames(type)) };
        }

        if (type == typeof(V1Condition))
        {
            return ConditionSchema();
        }

        if (type.Namespace == typeof(V1PodSpec).Namespace)
        {
            // An embedded Kubernetes type (a PodSpec): kept whole, as Kubernetes' own schema defines it.
            return new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true };
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>))
        {
            return new JsonObject { ["type"] = "object", ["additionalProperties"] = TypeSchema(type.GetGenericArguments()[1]) };
        }

        if (type.IsGenericType && typeof(IEnumerable).IsAssignableFrom(type))
        {
            return new JsonObject { ["type"] = "array", ["items"] = TypeSchema(type.GetGenericArguments()[0]) };
        }

        return ObjectSchema(type);
    }

    /// <summary>The JSON names of an enum's members, as the serializer writes them.</summary>
    public static IEnumerable<string> EnumNames(Type enumType) =>
        enumType.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => f.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? f.Name);

    /// <summary>metav1.Condition's schema, as Kubernetes' own types declare it.</summary>
    private static JsonObject ConditionSchema() => new()
    {
        ["type"] = "object",
        ["description"] = "Condition contains details for one aspect of the current state of this API Resource.",
        ["properties"] = new JsonObject
        {
            ["lastTransitionTime"] = new JsonObject { ["type"] = "string", ["format"] = "date-time", ["description"] = "When the condition last changed from one status to another." },
            ["message"] = new JsonObject { ["type"] = "string", ["maxLength"] = 32768, ["description"] = "A human readable message with details about the transition." },
            ["observedGeneration"] = new JsonObject { ["type"] = "integer", ["format"] = "int64", ["minimum"] = 0, ["description"] = "The .metadata.generation the condition was set upon." },
            ["reason"] = new JsonObject { ["type"] = "string", ["maxLength"] = 1024, ["minLength"] = 1, ["pattern"] = "^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$", ["description"] = "A programmatic identifier of the reason for the last transition, in CamelCase." },
            ["status"] = new JsonObject { ["type"] = "string", ["enum"] = Strings(["True", "False", "Unknown"]), ["description"] = "Status of the condition." },
            ["type"] = new JsonObject { ["type"] = "string", ["maxLength"] = 316, ["description"] = "Type of condition in CamelCase." },
        },
        ["required"] = Strings(["lastTransitionTime", "message", "reason", "status", "type"]),
    };

    private static void AddRules(JsonObject schema, IEnumerable<RuleAttribute> attributes)
    {
        var rules = attributes.Select(a => ValidationRules.ById.TryGetValue(a.Id, out var rule)
                ? rule
                : throw new InvalidOperationException($"Rule '{a.Id}' is not in ValidationRules."))
            .Select(rule =>
            {
                var entry = new JsonObject { ["rule"] = rule.Cel, ["message"] = rule.Message };
                if (rule.FieldPath is { } fieldPath)
                {
                    entry["fieldPath"] = fieldPath;
                }

                return (JsonNode)entry;
            })
            .ToArray();
        if (rules.Length > 0)
        {
            schema["x-kubernetes-validations"] = new JsonArray(rules);
        }
    }

    private static string JsonName(PropertyInfo property) =>
        property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(property.Name);

    private static JsonNode Number(double value) => value % 1 == 0 ? JsonValue.Create((long)value) : JsonValue.Create(value);

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode)JsonValue.Create(v)).ToArray());

    private static JsonObject Reorder(JsonObject schema, JsonObject properties, string[] first)
    {
        var ordered = new JsonObject();
        foreach (var name in first.Where(properties.ContainsKey).Concat(properties.Select(p => p.Key).Where(k => !first.Contains(k))).ToArray())
        {
            var value = properties[name];
            properties.Remove(name);
            ordered[name] = value;
        }

        schema["properties"] = ordered;
        return schema;
    }
}
