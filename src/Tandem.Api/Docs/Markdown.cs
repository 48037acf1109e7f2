namespace Tandem.Api.Docs;

/// <summary>Markdown escaping for table cells (GitHub-flavoured): pipes, angle brackets and code spans.</summary>
public static class Markdown
{
    /// <summary>Plain text in a table cell: pipes escaped, angle brackets as entities so &lt;name&gt; is not read as HTML.</summary>
    public static string Text(string? text) =>
        (text ?? "").Replace("|", "\\|").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\n", " ");

    /// <summary>A code span safe inside a table cell (GitHub unescapes <c>\|</c> in cells before reading code spans).</summary>
    public static string Code(string text)
    {
        var fence = text.Contains('`') ? "``" : "`";
        var pad = text.Contains('`') ? " " : "";
        return fence + pad + text.Replace("|", "\\|") + pad + fence;
    }

    /// <summary>A table with a header row; every cell is already escaped markdown.</summary>
    public static string Table(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        var lines = new List<string>
        {
            "| " + string.Join(" | ", header) + " |",
            "|" + string.Concat(header.Select(_ => " --- |")),
        };
        lines.AddRange(rows.Select(row => "| " + string.Join(" | ", row) + " |"));
        return string.Join("\n", lines) + "\n";
    }
}
