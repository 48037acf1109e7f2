namespace Tandem.Engines.Router;

/// <summary>How the router picks an instance of a role (the InferenceDeployment's <c>router.policy</c>).</summary>
public enum SelectionPolicy
{
    /// <summary>Each instance in turn, in id order.</summary>
    RoundRobin,

    /// <summary>Uniformly at random.</summary>
    Random,

    /// <summary>The instance with the least outstanding work (prompt tokens for prefill, requests for decode); ties go to the lowest id.</summary>
    LeastLoaded,

    /// <summary>Prefill: the instance that served the longest prefix of this prompt (a prefix tree), else least-loaded. Decode: least-loaded.</summary>
    Prefix,
}

/// <summary>Parses policy names as written in specs and flags (<c>round-robin</c>, <c>random</c>, <c>least-loaded</c>, <c>prefix</c>).</summary>
public static class SelectionPolicies
{
    public static IReadOnlyList<string> Names { get; } = ["round-robin", "random", "least-loaded", "prefix"];

    public static SelectionPolicy Parse(string text, string field = "--policy") => text.Trim().ToLowerInvariant() switch
    {
        "round-robin" => SelectionPolicy.RoundRobin,
        "random" => SelectionPolicy.Random,
        "least-loaded" => SelectionPolicy.LeastLoaded,
        "prefix" => SelectionPolicy.Prefix,
        _ => throw new ArgumentException($"{field}: '{text}' is not a policy; expected one of {string.Join(", ", Names)}."),
    };
}
