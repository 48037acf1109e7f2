using System.Globalization;
using System.Reflection;

namespace Tandem.Scaling.Workload;

/// <summary>
/// Reads request traces in the Azure LLM inference format (<c>TIMESTAMP,ContextTokens,GeneratedTokens</c>) from a
/// path or from a window shipped inside this assembly, cuts a window and applies a load scale.
/// </summary>
public static class TraceLoader
{
    private const string ResourcePrefix = "Tandem.Scaling.Workload.Traces.";

    /// <summary>Names of the trace windows shipped with Tandem (usable wherever a trace path is asked for).</summary>
    public static IReadOnlyList<string> EmbeddedNames { get; } =
        typeof(TraceLoader).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal) && n.EndsWith(".csv", StringComparison.Ordinal))
            .Select(n => n[ResourcePrefix.Length..^4])
            .Order(StringComparer.Ordinal)
            .ToArray();

    /// <summary>
    /// Loads <paramref name="trace"/> (a shipped name such as <c>AzureConv2023-5min</c>, or a CSV path), keeps the
    /// window, shifts arrivals to start at 0 and divides inter-arrival gaps by <paramref name="scale"/>.
    /// </summary>
    public static IReadOnlyList<TraceRequest> Load(string trace, TraceWindow? window = null, double scale = 1.0)
    {
        if (!(scale > 0) || double.IsInfinity(scale))
        {
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "--scale must be a positive number (2 doubles the request rate).");
        }

        using var reader = Open(trace);
        var all = Parse(reader, trace);
        return Cut(all, window ?? TraceWindow.All, scale);
    }

    /// <summary>Keeps the window of an already parsed trace and applies the load scale.</summary>
    public static IReadOnlyList<TraceRequest> Cut(IReadOnlyList<TraceRequest> all, TraceWindow window, double scale)
    {
        var kept = new List<TraceRequest>();
        for (var i = 0; i < all.Count; i++)
        {
            var position = window.ByIndex ? i : all[i].ArrivalSeconds;
            if (position >= window.Start && position < window.End)
            {
                kept.Add(all[i]);
            }
        }

        if (kept.Count == 0)
        {
            return kept;
        }

        var origin = kept[0].ArrivalSeconds;
        return kept.Select(r => r with { ArrivalSeconds = (r.ArrivalSeconds - origin) / scale }).ToArray();
    }

    private static TextReader Open(string trace)
    {
        // Shipped names match whatever the case, as users type them.
        var shipped = EmbeddedNames.FirstOrDefault(n => string.Equals(n, trace, StringComparison.OrdinalIgnoreCase));
        if (shipped is not null && typeof(TraceLoader).Assembly.GetManifestResourceStream(ResourcePrefix + shipped + ".csv") is { } stream)
        {
            return new StreamReader(stream);
        }

        if (!File.Exists(trace))
        {
            throw new FileNotFoundException(
                $"--trace: '{trace}' is neither a file (looked for {Path.GetFullPath(trace)}) nor a shipped trace ({string.Join(", ", EmbeddedNames)}).", trace);
        }

        return new StreamReader(trace);
    }

    /// <summary>Parses the CSV text; arrival times are seconds after the first row's timestamp.</summary>
    public static IReadOnlyList<TraceRequest> Parse(TextReader reader, string source = "trace")
    {
        var header = reader.ReadLine() ?? throw new FormatException($"{source}: empty file; expected the header TIMESTAMP,ContextTokens,GeneratedTokens.");
        var columns = header.Split(',').Select(c => c.Trim()).ToArray();
        var ts = Array.IndexOf(columns, "TIMESTAMP");
        var input = Array.IndexOf(columns, "ContextTokens");
        var output = Array.IndexOf(columns, "GeneratedTokens");
        if (ts < 0 || input < 0 || output < 0)
        {
            throw new FormatException($"{source}: header '{header}' lacks one of TIMESTAMP, ContextTokens, GeneratedTokens.");
        }

        var rows = new List<TraceRequest>();
        DateTime? first = null;
        var line = 1;
        while (reader.ReadLine() is { } text)
        {
            line++;
            if (text.Length == 0)
            {
                continue;
            }

            var cells = text.Split(',');
            if (cells.Length < columns.Length
                || !DateTime.TryParse(cells[ts], CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at)
                || !int.TryParse(cells[input], NumberStyles.Integer, CultureInfo.InvariantCulture, out var inTokens)
                || !int.TryParse(cells[output], NumberStyles.Integer, CultureInfo.InvariantCulture, out var outTokens)
                || inTokens < 0 || outTokens < 0)
            {
                throw new FormatException($"{source}:{line}: '{text}' is not TIMESTAMP,ContextTokens,GeneratedTokens with non-negative token counts.");
            }

            first ??= at;
            rows.Add(new TraceRequest((at - first.Value).TotalSeconds, inTokens, Math.Max(1, outTokens)));
        }

        rows.Sort((a, b) => a.ArrivalSeconds.CompareTo(b.ArrivalSeconds));
        return rows;
    }
}
