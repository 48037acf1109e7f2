using System.Globalization;
using System.Text.RegularExpressions;

namespace Tandem.Engines.Mock;

/// <summary>
/// Parses Go/Kubernetes duration strings ("8s", "500ms", "1m30s", "1.5h"). Hand-written because no library here
/// reads them; kept to Go's unit set (ns, us/µs, ms, s, m, h) and tested.
/// </summary>
public static partial class GoDuration
{
    [GeneratedRegex(@"\G(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)")]
    private static partial Regex Part();

    /// <summary>The duration; the error names <paramref name="field"/> and the expected form.</summary>
    public static TimeSpan Parse(string text, string field)
    {
        var body = text.Trim();
        if (body == "0")
        {
            return TimeSpan.Zero;
        }

        var total = 0.0;
        var at = 0;
        while (at < body.Length)
        {
            var match = Part().Match(body, at);
            if (!match.Success)
            {
                break;
            }

            var value = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            total += value * match.Groups[2].Value switch
            {
                "ns" => 1e-6,
                "us" or "µs" => 1e-3,
                "ms" => 1,
                "s" => 1000,
                "m" => 60_000,
                _ => 3_600_000,
            };
            at += match.Length;
        }

        if (at == 0 || at != body.Length)
        {
            throw new FormatException($"{field}: '{text}' is not a duration; expected a number with a unit, e.g. 8s, 500ms, 1m30s.");
        }

        return TimeSpan.FromMilliseconds(total);
    }
}
