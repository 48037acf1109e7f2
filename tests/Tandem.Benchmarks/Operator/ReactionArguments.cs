using System.Globalization;

namespace Tandem.Benchmarks.Operator;

/// <summary>The reaction run's flags, parsed by hand (three flags; the benchmark host has no command-line library).</summary>
internal sealed record ReactionArguments(int Repetitions, IReadOnlySet<string>? Paths, string? JsonPath)
{
    public const string Usage = "usage: reaction [--repetitions N (1-50, default 5)] [--paths react-warm,react-peer,react-storage,react-cold] [--json FILE]";

    public static ReactionArguments Parse(IReadOnlyList<string> args)
    {
        var repetitions = 5;
        HashSet<string>? paths = null;
        string? json = null;
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]}: a value is required.");
            switch (args[i])
            {
                case "--repetitions":
                    var text = Value();
                    if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out repetitions) || repetitions is < 1 or > 50)
                    {
                        throw new ArgumentException($"--repetitions: must be a whole number from 1 to 50 (got '{text}').");
                    }

                    break;
                case "--paths":
                    paths = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
                    var known = ReactionScenario.All.Select(s => s.Deployment).ToHashSet(StringComparer.Ordinal);
                    if (paths.Count == 0 || paths.FirstOrDefault(p => !known.Contains(p)) is { } unknown && unknown.Length > 0)
                    {
                        throw new ArgumentException($"--paths: each must be one of {string.Join(", ", known)} (got '{string.Join(",", paths)}').");
                    }

                    break;
                case "--json":
                    json = Value();
                    break;
                default:
                    throw new ArgumentException($"{args[i]}: unknown flag.");
            }
        }

        return new ReactionArguments(repetitions, paths, json);
    }
}
