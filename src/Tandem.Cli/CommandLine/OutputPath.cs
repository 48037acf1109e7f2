namespace Tandem.Cli.CommandLine;

/// <summary>
/// Output files named on the command line, checked before a long run starts (a missing folder or an unknown
/// extension is refused up front, not after two minutes of work) and reported with their absolute path.
/// </summary>
internal static class OutputPath
{
    /// <summary>The plot formats the timelines can write.</summary>
    public static readonly string[] PlotExtensions = [".png", ".svg"];

    /// <summary>The absolute path of an output file in an existing folder, with one of <paramref name="extensions"/> when any are given.</summary>
    public static string Check(string flag, string path, params string[] extensions)
    {
        var full = NotADirectory(flag, path);
        if (extensions.Length > 0 && !extensions.Contains(Path.GetExtension(full), StringComparer.OrdinalIgnoreCase))
        {
            throw new UsageException($"{flag}: {full} must end in {string.Join(" or ", extensions)} (the file is written in that format).");
        }

        var folder = Path.GetDirectoryName(full);
        if (folder is not null && !Directory.Exists(folder))
        {
            throw new UsageException($"{flag}: the folder {folder} does not exist.");
        }

        return full;
    }

    /// <summary>The absolute path of an output file whose folder the command creates when missing.</summary>
    public static string CheckCreatingFolder(string flag, string path) => NotADirectory(flag, path);

    private static string NotADirectory(string flag, string path)
    {
        var full = Path.GetFullPath(path);
        return Directory.Exists(full) ? throw new UsageException($"{flag}: {full} is a directory; give a file path.") : full;
    }
}
