using System.Text.Json.Nodes;

namespace Tandem.Emulator.Patching;

/// <summary>RFC 7386 JSON merge patch (hand-written: it is a dozen lines).</summary>
public static class JsonMergePatch
{
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject p) return patch?.DeepClone();
        var result = target is JsonObject t ? t.DeepClone().AsObject() : new JsonObject();
        foreach (var (key, value) in p)
        {
            if (value is null) result.Remove(key);
            else result[key] = Apply(result[key], value);
        }
        return result;
    }
}
