using System.Text;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Tandem.Emulator.Storage;

namespace Tandem.Emulator.Http;

/// <summary>
/// Decodes the Kubernetes protobuf request bodies that typed Go clients send for a few built-in kinds (helm stores its
/// releases as Secrets this way; `kubectl create configmap|secret|namespace`, `kubectl autoscale` (autoscaling/v2
/// HorizontalPodAutoscaler) and typed deletes use it too) into JSON.
/// Hand-written over Google.Protobuf's wire reader with a small table of field numbers from k8s.io/api's generated.proto;
/// any other kind is answered 415. Responses are always JSON, which those clients accept.
/// </summary>
public static class ProtobufBody
{
    private static readonly byte[] Magic = [0x6b, 0x38, 0x73, 0x00];

    private enum F { String, Bytes, Int, Bool, Time, Message, MapString, MapBytes, RepeatedString, RepeatedMessage, RawJson, Quantity }

    private sealed record Field(string Name, F Kind, Dictionary<int, Field>? Message = null);

    private static readonly Dictionary<int, Field> OwnerReference = new()
    {
        [1] = new("kind", F.String), [3] = new("name", F.String), [4] = new("uid", F.String), [5] = new("apiVersion", F.String),
        [6] = new("controller", F.Bool), [7] = new("blockOwnerDeletion", F.Bool),
    };

    private static readonly Dictionary<int, Field> ManagedFieldsEntry = new()
    {
        [1] = new("manager", F.String), [2] = new("operation", F.String), [3] = new("apiVersion", F.String), [4] = new("time", F.Time),
        [6] = new("fieldsType", F.String), [7] = new("fieldsV1", F.Message, new() { [1] = new("Raw", F.RawJson) }), [8] = new("subresource", F.String),
    };

    private static readonly Dictionary<int, Field> ObjectMeta = new()
    {
        [1] = new("name", F.String), [2] = new("generateName", F.String), [3] = new("namespace", F.String), [5] = new("uid", F.String),
        [6] = new("resourceVersion", F.String), [7] = new("generation", F.Int), [8] = new("creationTimestamp", F.Time),
        [9] = new("deletionTimestamp", F.Time), [10] = new("deletionGracePeriodSeconds", F.Int), [11] = new("labels", F.MapString),
        [12] = new("annotations", F.MapString), [13] = new("ownerReferences", F.RepeatedMessage, OwnerReference),
        [14] = new("finalizers", F.RepeatedString), [17] = new("managedFields", F.RepeatedMessage, ManagedFieldsEntry),
    };

    private static readonly Dictionary<int, Field> LabelSelector = new()
    {
        [1] = new("matchLabels", F.MapString),
        [2] = new("matchExpressions", F.RepeatedMessage, new() { [1] = new("key", F.String), [2] = new("operator", F.String), [3] = new("values", F.RepeatedString) }),
    };

    // autoscaling/v2 (k8s.io/api/autoscaling/v2/generated.proto): what `kubectl autoscale` and typed HPA clients send.
    private static readonly Dictionary<int, Field> CrossVersionObjectReference = new() { [1] = new("kind", F.String), [2] = new("name", F.String), [3] = new("apiVersion", F.String) };

    private static readonly Dictionary<int, Field> MetricTarget = new()
    {
        [1] = new("type", F.String), [2] = new("value", F.Quantity), [3] = new("averageValue", F.Quantity), [4] = new("averageUtilization", F.Int),
    };

    private static readonly Dictionary<int, Field> MetricIdentifier = new() { [1] = new("name", F.String), [2] = new("selector", F.Message, LabelSelector) };

    private static readonly Dictionary<int, Field> MetricSpec = new()
    {
        [1] = new("type", F.String),
        [2] = new("object", F.Message, new() { [1] = new("describedObject", F.Message, CrossVersionObjectReference), [2] = new("target", F.Message, MetricTarget), [3] = new("metric", F.Message, MetricIdentifier) }),
        [3] = new("pods", F.Message, new() { [1] = new("metric", F.Message, MetricIdentifier), [2] = new("target", F.Message, MetricTarget) }),
        [4] = new("resource", F.Message, new() { [1] = new("name", F.String), [2] = new("target", F.Message, MetricTarget) }),
        [5] = new("external", F.Message, new() { [1] = new("metric", F.Message, MetricIdentifier), [2] = new("target", F.Message, MetricTarget) }),
        [7] = new("containerResource", F.Message, new() { [1] = new("name", F.String), [2] = new("target", F.Message, MetricTarget), [3] = new("container", F.String) }),
    };

    private static readonly Dictionary<int, Field> ScalingRules = new()
    {
        [1] = new("selectPolicy", F.String),
        [2] = new("policies", F.RepeatedMessage, new() { [1] = new("type", F.String), [2] = new("value", F.Int), [3] = new("periodSeconds", F.Int) }),
        [3] = new("stabilizationWindowSeconds", F.Int),
    };

    private static readonly Dictionary<int, Field> HorizontalPodAutoscalerSpec = new()
    {
        [1] = new("scaleTargetRef", F.Message, CrossVersionObjectReference), [2] = new("minReplicas", F.Int), [3] = new("maxReplicas", F.Int),
        [4] = new("metrics", F.RepeatedMessage, MetricSpec), [5] = new("behavior", F.Message, new() { [1] = new("scaleUp", F.Message, ScalingRules), [2] = new("scaleDown", F.Message, ScalingRules) }),
    };

    private static readonly Dictionary<string, Dictionary<int, Field>> Kinds = new()
    {
        // Status is the controller's; a create or update body's status is dropped by the status subresource anyway.
        ["HorizontalPodAutoscaler"] = new() { [1] = new("metadata", F.Message, ObjectMeta), [2] = new("spec", F.Message, HorizontalPodAutoscalerSpec) },
        ["Secret"] = new() { [1] = new("metadata", F.Message, ObjectMeta), [2] = new("data", F.MapBytes), [3] = new("type", F.String), [4] = new("stringData", F.MapString), [5] = new("immutable", F.Bool) },
        ["ConfigMap"] = new() { [1] = new("metadata", F.Message, ObjectMeta), [2] = new("data", F.MapString), [3] = new("binaryData", F.MapBytes), [4] = new("immutable", F.Bool) },
        ["Namespace"] = new() { [1] = new("metadata", F.Message, ObjectMeta), [2] = new("spec", F.Message, new() { [1] = new("finalizers", F.RepeatedString) }) },
        ["ServiceAccount"] = new() { [1] = new("metadata", F.Message, ObjectMeta), [3] = new("automountServiceAccountToken", F.Bool) },
        ["DeleteOptions"] = new()
        {
            [1] = new("gracePeriodSeconds", F.Int), [2] = new("preconditions", F.Message, new() { [1] = new("uid", F.String), [2] = new("resourceVersion", F.String) }),
            [3] = new("orphanDependents", F.Bool), [4] = new("propagationPolicy", F.String), [5] = new("dryRun", F.RepeatedString),
        },
    };

    public static bool IsProtobuf(string? contentType) => contentType?.StartsWith("application/vnd.kubernetes.protobuf", StringComparison.OrdinalIgnoreCase) == true;

    public static JsonObject Decode(byte[] body)
    {
        if (body.Length < 4 || !body.AsSpan(0, 4).SequenceEqual(Magic))
            throw ApiException.BadRequest("protobuf body: missing the k8s\\0 envelope prefix");
        string apiVersion = "", kind = "";
        byte[] raw = [];
        var envelope = new CodedInputStream(body, 4, body.Length - 4);
        uint tag;
        while ((tag = envelope.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1:
                    var typeMeta = new CodedInputStream(envelope.ReadBytes().ToByteArray());
                    uint t;
                    while ((t = typeMeta.ReadTag()) != 0)
                    {
                        if (WireFormat.GetTagFieldNumber(t) == 1) apiVersion = typeMeta.ReadString();
                        else if (WireFormat.GetTagFieldNumber(t) == 2) kind = typeMeta.ReadString();
                        else typeMeta.SkipLastField();
                    }
                    break;
                case 2: raw = envelope.ReadBytes().ToByteArray(); break;
                default: envelope.SkipLastField(); break;
            }
        }
        // Only autoscaling/v2's HPA fields are in the table; v1's share the kind name but not the field numbers.
        if (!Kinds.TryGetValue(kind, out var schema) || (kind == "HorizontalPodAutoscaler" && apiVersion != "autoscaling/v2"))
            throw ApiException.UnsupportedMediaType($"the emulator cannot decode a protobuf {kind} body; send application/json");
        var obj = ReadMessage(new CodedInputStream(raw), schema);
        obj["apiVersion"] = apiVersion;
        obj["kind"] = kind;
        return obj;
    }

    private static JsonObject ReadMessage(CodedInputStream input, Dictionary<int, Field> schema)
    {
        var obj = new JsonObject();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (!schema.TryGetValue(WireFormat.GetTagFieldNumber(tag), out var field)) { input.SkipLastField(); continue; }
            switch (field.Kind)
            {
                case F.String: obj[field.Name] = input.ReadString(); break;
                case F.Bytes: obj[field.Name] = Convert.ToBase64String(input.ReadBytes().ToByteArray()); break;
                case F.Int: obj[field.Name] = input.ReadInt64(); break;
                case F.Bool: obj[field.Name] = input.ReadBool(); break;
                case F.Time: obj[field.Name] = ReadTime(input.ReadBytes()); break;
                case F.RawJson: return JsonNode.Parse(input.ReadBytes().ToStringUtf8()) as JsonObject ?? new JsonObject();
                case F.Quantity: obj[field.Name] = ReadQuantity(input.ReadBytes()); break;
                case F.Message:
                    var nested = ReadMessage(new CodedInputStream(input.ReadBytes().ToByteArray()), field.Message!);
                    obj[field.Name] = nested;
                    break;
                case F.MapString or F.MapBytes:
                    var (key, value) = ReadEntry(input.ReadBytes(), field.Kind == F.MapBytes);
                    if (obj[field.Name] is not JsonObject map) { map = new JsonObject(); obj[field.Name] = map; }
                    map[key] = value;
                    break;
                case F.RepeatedString:
                    if (obj[field.Name] is not JsonArray list) { list = new JsonArray(); obj[field.Name] = list; }
                    list.Add(input.ReadString());
                    break;
                case F.RepeatedMessage:
                    if (obj[field.Name] is not JsonArray items) { items = new JsonArray(); obj[field.Name] = items; }
                    items.Add(ReadMessage(new CodedInputStream(input.ReadBytes().ToByteArray()), field.Message!));
                    break;
            }
        }
        return obj;
    }

    private static (string, string) ReadEntry(ByteString entry, bool bytesValue)
    {
        var input = new CodedInputStream(entry.ToByteArray());
        string key = "", value = "";
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == 1) key = input.ReadString();
            else if (WireFormat.GetTagFieldNumber(tag) == 2) value = bytesValue ? Convert.ToBase64String(input.ReadBytes().ToByteArray()) : input.ReadString();
            else input.SkipLastField();
        }
        return (key, value);
    }

    /// <summary>resource.Quantity is a message with its canonical string in field 1; JSON spells it as that string.</summary>
    private static string ReadQuantity(ByteString bytes)
    {
        var input = new CodedInputStream(bytes.ToByteArray());
        var text = "";
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == 1) text = input.ReadString(); else input.SkipLastField();
        }
        return text;
    }

    private static string ReadTime(ByteString bytes)
    {
        var input = new CodedInputStream(bytes.ToByteArray());
        long seconds = 0;
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == 1) seconds = input.ReadInt64(); else input.SkipLastField();
        }
        return ObjectStore.FormatTime(DateTimeOffset.FromUnixTimeSeconds(seconds));
    }

    /// <summary>Reads a request body as JSON whatever its encoding (protobuf, YAML or JSON).</summary>
    public static async Task<string> ReadAsJsonText(Microsoft.AspNetCore.Http.HttpContext ctx)
    {
        if (!IsProtobuf(ctx.Request.ContentType))
        {
            using var reader = new StreamReader(ctx.Request.Body, Encoding.UTF8);
            return await reader.ReadToEndAsync(ctx.RequestAborted);
        }
        using var ms = new MemoryStream();
        await ctx.Request.Body.CopyToAsync(ms, ctx.RequestAborted);
        return Decode(ms.ToArray()).ToJsonString();
    }
}
