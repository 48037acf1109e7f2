using System.Globalization;

namespace Tandem.Scaling.Workload;

/// <summary>
/// The part of a trace to replay: <c>A:B</c> in seconds from the trace's first request (either side may be
/// empty), or <c>#A:B</c> in request indices (B exclusive).
/// </summary>
public sealed record TraceWindow(double Start, double End, bool ByIndex)
{
    /// <summary>The whole trace.</summary>
    public static TraceWindow All { get; } = new(0, double.PositiveInfinity, ByIndex: false);

    /// <summary>Parses a window; the error names <paramref name="field"/> and the expected form.</summary>
    public static TraceWindow Parse(string? text, string field = "--window")
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return All;
        }

        var byIndex = text.StartsWith('#');
        var body = byIndex ? text[1..] : text;
        var parts = body.Split(':');
        if (parts.Length != 2)
        {
            throw new FormatException($"{field}: '{text}' is not a window; expected START:END in seconds (e.g. 0:300) or #FIRST:LAST in request indices (e.g. #0:500).");
        }

        var start = ParseBound(parts[0], 0, text, field);
        var end = ParseBound(parts[1], double.PositiveInfinity, text, field);
        if (start < 0 || end <= start)
        {
            throw new FormatException($"{field}: '{text}' must have 0 <= START < END.");
        }

        return new TraceWindow(start, end, byIndex);
    }

    private static double ParseBound(string part, double whenEmpty, string text, string field)
    {
        if (part.Length == 0)
        {
            return whenEmpty;
        }

        if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || double.IsNaN(value))
        {
            throw new FormatException($"{field}: '{part}' in '{text}' is not a number.");
        }

        return value;
    }

    public override string ToString()
    {
        var end = double.IsPositiveInfinity(End) ? "" : End.ToString(CultureInfo.InvariantCulture);
        return $"{(ByIndex ? "#" : "")}{Start.ToString(CultureInfo.InvariantCulture)}:{end}";
    }
}
