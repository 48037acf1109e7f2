using System.Globalization;
using Tandem.Scaling.Models;
using Tandem.Scaling.Workload;

namespace Tandem.Benchmarks.Scaling;

/// <summary>The command line of <c>-- targets</c>: one run (whole traces by default) or, with <c>--sweep</c>, a grid of cells.</summary>
internal sealed record TargetsArguments
{
    public const string Usage =
        "usage: targets [--traces DIR] [--window START:END] [--scale X] [--model NAME|all] [--variant V] [--json F]\n"
        + "       targets --sweep [--traces DIR] [--windows W,W,...] [--scales X,X,...] [--models NAME,...|all] [--policies P,...] [--variants V,V,...] [--parallel N] [--json F]\n"
        + "  windows are START:END seconds into the trace (as `tandem sim --window`); a variant is default or words joined with + (fixed, bursts, ...)";

    public string Traces { get; init; } = Environment.GetEnvironmentVariable("TANDEM_TRACES") ?? "/work/shared/traces";

    public bool Sweep { get; init; }

    public IReadOnlyList<TraceWindow> Windows { get; init; } = [TraceWindow.All];

    public IReadOnlyList<double> Scales { get; init; } = [1.0];

    public IReadOnlyList<string> Models { get; init; } = ["llama3-8b"];

    public IReadOnlyList<string> Policies { get; init; } = [];

    public IReadOnlyList<PolicyVariant> Variants { get; init; } = [PolicyVariant.Parse("default")];

    public int Parallel { get; init; } = Math.Max(1, Environment.ProcessorCount);

    public string? Json { get; init; }

    /// <summary>Parses the arguments; an error names the flag and the rule. <c>--sweep</c> without a flag for a grid axis takes its sweep default.</summary>
    public static TargetsArguments Parse(string[] args)
    {
        var a = new TargetsArguments();
        var given = new HashSet<string>(StringComparer.Ordinal);
        for (var k = 0; k < args.Length; k++)
        {
            var flag = args[k];
            string Value() => k + 1 < args.Length ? args[++k] : throw new ArgumentException($"{flag}: needs a value.");
            IReadOnlyList<string> List() => Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            a = flag switch
            {
                "--traces" => a with { Traces = Value() },
                "--sweep" => a with { Sweep = true },
                "--window" or "--windows" => a with { Windows = List().Select(w => TraceWindow.Parse(w, flag)).ToArray() },
                "--scale" or "--scales" => a with { Scales = List().Select(s => Scale(s, flag)).ToArray() },
                "--model" or "--models" => a with { Models = ModelNames(List(), flag) },
                "--policies" => a with { Policies = List() },
                "--variant" or "--variants" => a with { Variants = List().Select(v => PolicyVariant.Parse(v, flag)).ToArray() },
                "--standby-sizing" => a with { Variants = [PolicyVariant.Parse(Sizing(Value()), flag)] },
                "--parallel" => a with { Parallel = int.TryParse(Value(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 1 ? n : throw new ArgumentException("--parallel: must be an integer >= 1.") },
                "--json" => a with { Json = Value() },
                _ => throw new ArgumentException($"{flag}: unknown argument."),
            };
            given.Add(flag switch { "--windows" => "--window", "--scales" => "--scale", "--models" => "--model", _ => flag });
        }

        if (!a.Sweep)
        {
            return given.FirstOrDefault(f => f is "--policies" or "--parallel") is { } sweepOnly
                ? throw new ArgumentException($"{sweepOnly}: applies to --sweep only (a single run compares bounds, slo, hpa, kpa and fair static).")
                : a;
        }

        // The grid --sweep runs unless told otherwise: three 20-minute windows, three load scales, two models, bounds and slo.
        return a with
        {
            Windows = given.Contains("--window") ? a.Windows : new[] { "0:1200", "1200:2400", "2400:3600" }.Select(t => TraceWindow.Parse(t)).ToArray(),
            Scales = given.Contains("--scale") ? a.Scales : [0.5, 1.0, 1.5],
            Models = given.Contains("--model") ? a.Models : ["llama3-8b", "mistral-24b"],
            Policies = given.Contains("--policies") ? a.Policies : ["bounds", "slo"],
        };
    }

    private static string Sizing(string text) =>
        text is "fixed" or "bursts" ? text : throw new ArgumentException($"--standby-sizing: '{text}' must be fixed or bursts.");

    private static double Scale(string text, string field) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s > 0 && !double.IsInfinity(s)
            ? s
            : throw new ArgumentException($"{field}: '{text}' is not a positive load scale (2 doubles the request rate).");

    private static string[] ModelNames(IReadOnlyList<string> names, string field) =>
        names is ["all"] ? SeedModels.Names.ToArray() : names.Select(n => SeedModels.Get(n, field).Name).ToArray();
}
