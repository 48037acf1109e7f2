using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Tandem.Api.Schema;

namespace Tandem.Api.Docs;

/// <summary>
/// The meaning of each value of an enum field, from the doc comments of the C# enum whose JSON names are exactly the
/// schema's <c>enum</c> list. A small hand-written reader: XmlDocs serves types and properties, this adds enum members.
/// </summary>
public sealed partial class EnumMeanings(IReadOnlyDictionary<string, IReadOnlyList<(string Value, string? Meaning)>> byValues)
{
    /// <summary>No meanings (every lookup misses).</summary>
    public static EnumMeanings None { get; } = new(new Dictionary<string, IReadOnlyList<(string, string?)>>());

    /// <summary>Meanings of the enums of this assembly's API, read from its XML documentation file beside it.</summary>
    public static EnumMeanings ForApi()
    {
        var assembly = typeof(EnumMeanings).Assembly;
        var file = new[] { Path.GetDirectoryName(assembly.Location), AppContext.BaseDirectory }
            .Where(d => !string.IsNullOrEmpty(d))
            .Select(d => Path.Combine(d!, assembly.GetName().Name + ".xml"))
            .FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException("Tandem.Api.xml (the API's doc comments) was not found beside the program; build with GenerateDocumentationFile.");
        var summaries = XDocument.Load(file).Descendants("member")
            .Where(m => m.Element("summary") is not null)
            .ToDictionary(m => (string)m.Attribute("name")!, m => Spaces().Replace(m.Element("summary")!.Value, " ").Trim());
        var byValues = new Dictionary<string, IReadOnlyList<(string, string?)>>();
        foreach (var type in assembly.GetTypes().Where(t => t.IsEnum && t.IsPublic))
        {
            var values = type.GetFields(BindingFlags.Public | BindingFlags.Static)
                .Zip(CrdGenerator.EnumNames(type), (field, name) => (name, summaries.GetValueOrDefault($"F:{type.FullName}.{field.Name}")))
                .ToArray();
            byValues[Key(values.Select(v => v.name))] = values;
        }

        return new EnumMeanings(byValues);
    }

    /// <summary>Each value with its meaning when a documented C# enum has exactly these values; null otherwise.</summary>
    public IReadOnlyList<(string Value, string? Meaning)>? Of(IEnumerable<string> values) =>
        byValues.TryGetValue(Key(values), out var meanings) && meanings.Any(m => m.Meaning is not null) ? meanings : null;

    private static string Key(IEnumerable<string> values) => string.Join("\n", values);

    [GeneratedRegex("\\s+")]
    private static partial Regex Spaces();
}
