using System.Text.RegularExpressions;

namespace Tandem.Api.Tests.Docs;

/// <summary>Keeps the hand-written pages honest: their links resolve and the source files they name exist.</summary>
public partial class DocsPagesTests
{
    [Theory]
    [InlineData("docs/README.md")]
    [InlineData("docs/architecture.md")]
    [InlineData("docs/reference/api.md")]
    public void Relative_links_point_at_files_that_exist(string page)
    {
        var path = RepositoryPaths.Combine(page.Split('/'));
        var folder = Path.GetDirectoryName(path)!;
        // Code spans may hold text like a regex's "](" that is not a link.
        var prose = CodeSpan().Replace(File.ReadAllText(path), "");
        var targets = Link().Matches(prose).Select(m => m.Groups[1].Value)
            .Where(t => !t.StartsWith('#') && !t.Contains("://", StringComparison.Ordinal))
            .Select(t => t.Split('#')[0])
            .ToArray();

        Assert.NotEmpty(targets);
        Assert.All(targets, t => Assert.True(File.Exists(Path.Combine(folder, t)) || Directory.Exists(Path.Combine(folder, t)), $"{page} links to {t}, which does not exist"));
    }

    [Fact]
    public void Architecture_page_names_only_source_paths_that_exist()
    {
        var text = File.ReadAllText(RepositoryPaths.Combine("docs", "architecture.md"));
        var paths = SourcePath().Matches(text).Select(m => m.Groups[1].Value.TrimEnd('/')).Distinct().ToArray();

        Assert.NotEmpty(paths);
        Assert.All(paths, p => Assert.True(File.Exists(RepositoryPaths.Combine(p.Split('/'))) || Directory.Exists(RepositoryPaths.Combine(p.Split('/'))), $"docs/architecture.md names {p}, which does not exist"));
    }

    [Fact]
    public void Architecture_page_names_only_csharp_files_that_exist_under_src()
    {
        var text = File.ReadAllText(RepositoryPaths.Combine("docs", "architecture.md"));
        var existing = Directory.GetFiles(RepositoryPaths.Combine("src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(f => f.Replace(Path.DirectorySeparatorChar, '/'))
            .ToArray();
        var named = CsFile().Matches(text).Select(m => m.Groups[1].Value).Distinct().ToArray();

        Assert.NotEmpty(named);
        Assert.All(named, n => Assert.True(existing.Any(f => f.EndsWith("/" + n, StringComparison.Ordinal)), $"docs/architecture.md names {n}, which is not a file under src/"));
    }

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"`(src/[A-Za-z0-9_./-]+)`")]
    private static partial Regex SourcePath();

    [GeneratedRegex("`[^`\n]*`")]
    private static partial Regex CodeSpan();

    [GeneratedRegex(@"([A-Za-z0-9_./]+\.cs)\b")]
    private static partial Regex CsFile();
}
