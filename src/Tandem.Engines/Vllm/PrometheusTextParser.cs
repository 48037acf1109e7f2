using System.Globalization;

namespace Tandem.Engines.Vllm;

/// <summary>
/// Parses the Prometheus text exposition format (0.0.4) into samples. Hand-written (no .NET library here parses
/// it): comments and blank lines are skipped, label values unescaped, timestamps ignored; a malformed line throws
/// naming its line number.
/// </summary>
public static class PrometheusTextParser
{
    public static IReadOnlyList<PrometheusSample> Parse(string text)
    {
        var samples = new List<PrometheusSample>();
        var number = 0;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            var line = raw.TrimEnd('\r').Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            samples.Add(ParseLine(line, number));
        }

        return samples;
    }

    private static PrometheusSample ParseLine(string line, int number)
    {
        var at = 0;
        while (at < line.Length && line[at] != '{' && !char.IsWhiteSpace(line[at]))
        {
            at++;
        }

        var name = line[..at];
        if (name.Length == 0)
        {
            throw Bad(number, line, "no metric name");
        }

        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (at < line.Length && line[at] == '{')
        {
            at++;
            while (true)
            {
                while (at < line.Length && (line[at] == ',' || char.IsWhiteSpace(line[at])))
                {
                    at++;
                }

                if (at >= line.Length)
                {
                    throw Bad(number, line, "unclosed '{'");
                }

                if (line[at] == '}')
                {
                    at++;
                    break;
                }

                var eq = line.IndexOf('=', at);
                if (eq < 0 || eq + 1 >= line.Length || line[eq + 1] != '"')
                {
                    throw Bad(number, line, "a label is not name=\"value\"");
                }

                var key = line[at..eq].Trim();
                at = eq + 2;
                var value = new System.Text.StringBuilder();
                while (at < line.Length && line[at] != '"')
                {
                    if (line[at] == '\\' && at + 1 < line.Length)
                    {
                        at++;
                        value.Append(line[at] == 'n' ? '\n' : line[at]);
                    }
                    else
                    {
                        value.Append(line[at]);
                    }

                    at++;
                }

                if (at >= line.Length)
                {
                    throw Bad(number, line, "unterminated label value");
                }

                at++;
                labels[key] = value.ToString();
            }
        }

        var rest = line[at..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (rest.Length == 0)
        {
            throw Bad(number, line, "no value");
        }

        return new PrometheusSample(name, labels, ParseValue(rest[0], number, line));
    }

    private static double ParseValue(string text, int number, string line) => text switch
    {
        "+Inf" or "Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : throw Bad(number, line, $"'{text}' is not a number"),
    };

    private static FormatException Bad(int number, string line, string why) => new($"metrics line {number}: {why}: '{line}'.");
}
