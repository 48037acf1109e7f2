using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Tandem.Api.Serialization;

/// <summary>
/// Converts between YAML documents and System.Text.Json nodes with YAML 1.2 core-schema scalars, on top of YamlDotNet's
/// representation model (KubernetesYaml only maps known types; manifests and CRDs need the generic form).
/// </summary>
public static partial class YamlJson
{
    /// <summary>Every document of a YAML stream (empty documents skipped).</summary>
    public static IReadOnlyList<JsonNode> ParseAll(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return stream.Documents.Select(d => ToJson(d.RootNode)).OfType<JsonNode>().ToArray();
    }

    /// <summary>One node as a YAML document (no leading <c>---</c>).</summary>
    public static string Write(JsonNode node)
    {
        var document = new YamlDocument(ToYaml(node));
        var stream = new YamlStream(document);
        var text = new StringWriter(CultureInfo.InvariantCulture);
        stream.Save(text, assignAnchors: false);
        var yaml = text.ToString();

        // YamlDotNet ends every document with an explicit "..." marker; manifests do not use it.
        yaml = yaml.TrimEnd();
        if (yaml.EndsWith("...", StringComparison.Ordinal))
        {
            yaml = yaml[..^3].TrimEnd();
        }

        return yaml + "\n";
    }

    /// <summary>Several nodes as one YAML stream separated by <c>---</c>.</summary>
    public static string WriteAll(IEnumerable<JsonNode> nodes)
    {
        var text = new StringBuilder();
        foreach (var node in nodes)
        {
            text.Append("---\n").Append(Write(node));
        }

        return text.ToString();
    }

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c =>
            KeyValuePair.Create(((YamlScalarNode)c.Key).Value ?? "", ToJson(c.Value)))),
        YamlSequenceNode sequence => new JsonArray(sequence.Children.Select(ToJson).ToArray()),
        YamlScalarNode scalar => Scalar(scalar),
        _ => null,
    };

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? "";
        if (scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded
            || (!scalar.Tag.IsEmpty && !scalar.Tag.IsNonSpecific && scalar.Tag.Value == "tag:yaml.org,2002:str"))
        {
            return JsonValue.Create(value);
        }

        if (value is "" or "~" or "null" or "Null" or "NULL")
        {
            return null;
        }

        if (value is "true" or "True" or "TRUE")
        {
            return JsonValue.Create(true);
        }

        if (value is "false" or "False" or "FALSE")
        {
            return JsonValue.Create(false);
        }

        if (IntegerForm().IsMatch(value) && long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return JsonValue.Create(integer);
        }

        if (FloatForm().IsMatch(value) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            return JsonValue.Create(number);
        }

        return JsonValue.Create(value);
    }

    private static YamlNode ToYaml(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                var map = new YamlMappingNode();
                foreach (var (key, value) in obj)
                {
                    map.Add(new YamlScalarNode(key), ToYaml(value));
                }

                return map;
            case JsonArray array:
                var sequence = new YamlSequenceNode();
                foreach (var item in array)
                {
                    sequence.Add(ToYaml(item));
                }

                return sequence;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                var text = value.GetValue<string>();
                return new YamlScalarNode(text) { Style = NeedsQuotes(text) ? ScalarStyle.DoubleQuoted : ScalarStyle.Any };
            case JsonValue value:
                return new YamlScalarNode(value.ToJsonString()) { Style = ScalarStyle.Plain };
            default:
                return new YamlScalarNode("null") { Style = ScalarStyle.Plain };
        }
    }

    // A string that YAML would read as another type (or that a reader might) is written quoted.
    private static bool NeedsQuotes(string text) =>
        text.Length == 0 || Ambiguous().IsMatch(text) || IntegerForm().IsMatch(text) || FloatForm().IsMatch(text)
        || text != text.Trim() || text.Contains('\n');

    // Words YAML 1.1 readers take as booleans or null, hex/octal/infinity forms, dates, and leading indicator characters.
    [GeneratedRegex("^(?i:true|false|yes|no|on|off|y|n|null|~)$|^[-+]?0[xXoO]|^[-+]?\\.(?i:inf|nan)$|^[0-9]{4}-[0-9]{2}-[0-9]{2}|^[\\[\\]{}>|*&!%@`#,?:'\"-]")]
    private static partial Regex Ambiguous();

    [GeneratedRegex("^[-+]?[0-9]+$")]
    private static partial Regex IntegerForm();

    [GeneratedRegex("^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatForm();
}
