using System.Text.Json.Nodes;

namespace Tandem.Emulator.Storage;

/// <summary>A failed API call, carried to the HTTP layer and written as a `Status` object.</summary>
public sealed class ApiException(int code, string reason, string message, JsonObject? details = null) : Exception(message)
{
    public int Code { get; } = code;
    public string Reason { get; } = reason;
    public JsonObject? Details { get; } = details;

    public static ApiException NotFound(ResourceType t, string name) =>
        new(404, "NotFound", $"{t.QualifiedName} \"{name}\" not found", Describe(t, name));

    public static ApiException AlreadyExists(ResourceType t, string name) =>
        new(409, "AlreadyExists", $"{t.QualifiedName} \"{name}\" already exists", Describe(t, name));

    public static ApiException Conflict(ResourceType t, string name, string why = "the object has been modified; please apply your changes to the latest version and try again") =>
        new(409, "Conflict", $"Operation cannot be fulfilled on {t.QualifiedName} \"{name}\": {why}", Describe(t, name));

    public static ApiException BadRequest(string message) => new(400, "BadRequest", message);

    public static ApiException Gone(string message) => new(410, "Expired", message);

    public static ApiException Invalid(ResourceType t, string name, IEnumerable<(string Field, string Type, string Message)> causes)
    {
        var list = causes.ToList();
        // Invalid names the kind (not the resource) in its details, so kubectl prints `The Widget "x" is invalid`.
        var details = new JsonObject { ["name"] = name, ["group"] = t.Group, ["kind"] = t.Kind };
        var arr = new JsonArray();
        foreach (var c in list) arr.Add(new JsonObject { ["reason"] = c.Type, ["message"] = c.Message, ["field"] = c.Field });
        details["causes"] = arr;
        var summary = string.Join(", ", list.Select(c => $"{c.Field}: {c.Message}"));
        var kind = t.Group.Length == 0 || !t.IsCustom ? t.Kind : $"{t.Kind}.{t.Group}";
        return new(422, "Invalid", $"{kind} \"{name}\" is invalid: {(list.Count == 1 ? summary : $"[{summary}]")}", details);
    }

    public static ApiException MethodNotSupported(string what) => new(405, "MethodNotAllowed", what);

    public static ApiException UnsupportedMediaType(string message) => new(415, "UnsupportedMediaType", message);

    private static JsonObject Describe(ResourceType t, string name) =>
        new() { ["name"] = name, ["group"] = t.Group, ["kind"] = t.Plural };

    /// <summary>The `Status` object the apiserver returns for this failure.</summary>
    public JsonObject ToStatus()
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = Message,
            ["reason"] = Reason,
        };
        if (Details is not null) status["details"] = Details.DeepClone();
        status["code"] = Code;
        return status;
    }
}
