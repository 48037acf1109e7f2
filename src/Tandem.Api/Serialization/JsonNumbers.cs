using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tandem.Api.Serialization;

/// <summary>Reads a JSON number as a double whatever CLR type backs the node (parsed JSON, long, int or double).</summary>
public static class JsonNumbers
{
    /// <summary>True and the value when <paramref name="node"/> is a JSON number.</summary>
    public static bool TryGetDouble(JsonNode? node, out double value)
    {
        value = 0;
        if (node is not JsonValue json || json.GetValueKind() != JsonValueKind.Number)
        {
            return false;
        }

        if (json.TryGetValue(out value))
        {
            return true;
        }

        if (json.TryGetValue<long>(out var integer))
        {
            value = integer;
            return true;
        }

        return double.TryParse(json.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>The number, or null when <paramref name="node"/> is not one.</summary>
    public static double? AsDouble(JsonNode? node) => TryGetDouble(node, out var value) ? value : null;
}
