using System.Globalization;

namespace Tandem.Benchmarks.Fleet;

/// <summary>Options of the fleet run.</summary>
internal sealed record FleetArguments
{
    public const string Usage = "usage: fleet [--deployments N] [--steady SECONDS] [--qps Q] [--burst B] [--ready-timeout SECONDS] [--json FILE]";

    public int Deployments { get; init; } = 100;

    /// <summary>Length of the steady window measured after every deployment is Ready and the operator has gone quiet.</summary>
    public TimeSpan Steady { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The operator's client limit (null: the operator's defaults, RuntimeOptions.Qps/Burst).</summary>
    public double? Qps { get; init; }

    public int? Burst { get; init; }

    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromMinutes(30);

    public string? JsonPath { get; init; }

    public static FleetArguments Parse(string[] args)
    {
        var result = new FleetArguments();
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"error: {args[i]} needs a value");
            result = args[i] switch
            {
                "--deployments" => result with { Deployments = Positive("--deployments", Value()) },
                "--steady" => result with { Steady = TimeSpan.FromSeconds(Positive("--steady", Value())) },
                "--qps" => result with { Qps = Positive("--qps", Value()) },
                "--burst" => result with { Burst = Positive("--burst", Value()) },
                "--ready-timeout" => result with { ReadyTimeout = TimeSpan.FromSeconds(Positive("--ready-timeout", Value())) },
                "--json" => result with { JsonPath = Value() },
                _ => throw new ArgumentException($"error: unknown option {args[i]}"),
            };
        }

        return result;
    }

    private static int Positive(string name, string text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new ArgumentException($"error: {name} must be a positive integer, got '{text}'");
}
