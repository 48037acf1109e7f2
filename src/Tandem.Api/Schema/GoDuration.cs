using System.Globalization;
using System.Text.RegularExpressions;

namespace Tandem.Api.Schema;

/// <summary>Go-style durations as Kubernetes writes them (<c>333ms</c>, <c>1m30s</c>, <c>2h</c>).</summary>
public static partial class GoDuration
{
    /// <summary>The schema pattern of a duration.</summary>
    public const string Pattern = "^([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$";

    /// <summary>Parses a duration; throws a <see cref="FormatException"/> naming <paramref name="field"/>.</summary>
    public static TimeSpan Parse(string text, string field = "duration")
    {
        if (TryParse(text, out var value))
        {
            return value;
        }

        throw new FormatException($"{field}: '{text}' is not a duration such as 500ms, 30s or 1m30s.");
    }

    /// <summary>Parses a duration.</summary>
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrEmpty(text) || !Whole().IsMatch(text))
        {
            return false;
        }

        double ticks = 0;
        foreach (Match part in Part().Matches(text))
        {
            var number = double.Parse(part.Groups[1].Value, CultureInfo.InvariantCulture);
            ticks += number * part.Groups[2].Value switch
            {
                "ns" => TimeSpan.TicksPerMicrosecond / 1000.0,
                "us" or "µs" => TimeSpan.TicksPerMicrosecond,
                "ms" => TimeSpan.TicksPerMillisecond,
                "s" => TimeSpan.TicksPerSecond,
                "m" => TimeSpan.TicksPerMinute,
                _ => TimeSpan.TicksPerHour,
            };
        }

        value = TimeSpan.FromTicks((long)Math.Round(ticks));
        return true;
    }

    /// <summary>Formats a span the way Go prints short durations (<c>1.5s</c>, <c>333ms</c>, <c>5m0s</c> as <c>5m</c>).</summary>
    public static string Format(TimeSpan value)
    {
        if (value < TimeSpan.FromSeconds(1))
        {
            return value.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture) + "ms";
        }

        if (value < TimeSpan.FromMinutes(1))
        {
            return value.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + "s";
        }

        var minutes = (int)value.TotalMinutes;
        var seconds = value.TotalSeconds - minutes * 60;
        return seconds == 0 ? $"{minutes}m" : $"{minutes}m{seconds.ToString("0.###", CultureInfo.InvariantCulture)}s";
    }

    [GeneratedRegex(Pattern)]
    private static partial Regex Whole();

    [GeneratedRegex("([0-9]+(?:\\.[0-9]+)?)(ns|us|µs|ms|s|m|h)")]
    private static partial Regex Part();
}
