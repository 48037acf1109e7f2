using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Tandem.Api.Schema;

/// <summary>Reads the summaries of the compiler's XML documentation file (Tandem.Api.xml beside the assembly), so CRD descriptions come from the C# doc comments.</summary>
public sealed partial class XmlDocs
{
    private readonly Dictionary<string, string> _summaries;

    private XmlDocs(Dictionary<string, string> summaries) => _summaries = summaries;

    /// <summary>No documentation: schemas without descriptions (enough for validation).</summary>
    public static XmlDocs Empty { get; } = new([]);

    /// <summary>Loads the documentation of <paramref name="assembly"/>; throws naming the file when it is missing.</summary>
    public static XmlDocs For(Assembly assembly)
    {
        var name = assembly.GetName().Name + ".xml";
        var candidates = new[] { Path.GetDirectoryName(assembly.Location), AppContext.BaseDirectory }
            .Where(d => !string.IsNullOrEmpty(d))
            .Select(d => Path.Combine(d!, name));
        var path = candidates.FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException($"{name} (the API's doc comments, the source of CRD descriptions) was not found beside the program; build with GenerateDocumentationFile.", name);
        var summaries = XDocument.Load(path).Descendants("member")
            .Where(m => m.Element("summary") is not null)
            .ToDictionary(m => (string)m.Attribute("name")!, m => Flatten(m.Element("summary")!));
        return new XmlDocs(summaries);
    }

    /// <summary>The summary of a type, or null.</summary>
    public string? Of(Type type) => _summaries.GetValueOrDefault("T:" + type.FullName);

    /// <summary>The summary of a property, or null.</summary>
    public string? Of(PropertyInfo property) => _summaries.GetValueOrDefault($"P:{property.DeclaringType!.FullName}.{property.Name}");

    private static string Flatten(XElement summary)
    {
        foreach (var see in summary.Descendants("see").ToArray())
        {
            var cref = (string?)see.Attribute("cref") ?? (string?)see.Attribute("langword") ?? "";
            see.ReplaceWith(new XText(cref[(cref.LastIndexOf('.') + 1)..]));
        }

        foreach (var reference in summary.Descendants("paramref").ToArray())
        {
            reference.ReplaceWith(new XText((string?)reference.Attribute("name") ?? ""));
        }

        return Spaces().Replace(summary.Value, " ").Trim();
    }

    [GeneratedRegex("\\s+")]
    private static partial Regex Spaces();
}
