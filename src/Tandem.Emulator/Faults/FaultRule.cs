using System.Text.Json.Nodes;

namespace Tandem.Emulator.Faults;

/// <summary>
/// One injected fault: which requests it hits (verb, resource, path substring, HTTP method, a percentage, at most a
/// count) and what they get (a delay, an error status with an optional Retry-After). A rule with only a delay slows
/// requests down; one with a status fails them after the delay.
/// </summary>
public sealed record FaultRule
{
    /// <summary>The Kubernetes verbs a rule can name (<c>watch</c> and <c>list</c> are both GETs of a collection).</summary>
    public static readonly IReadOnlySet<string> Verbs = new HashSet<string>(StringComparer.Ordinal) { "get", "list", "watch", "create", "update", "patch", "delete", "deletecollection" };

    /// <summary>Set by <see cref="EmulatorFaults.Add"/>; names the rule for removal.</summary>
    public int Id { get; init; }

    /// <summary>Kubernetes verb (<see cref="Verbs"/>); null matches every verb.</summary>
    public string? Verb { get; init; }

    /// <summary>Resource plural (e.g. <c>pods</c>, <c>enginepools</c>, <c>leases</c>); null matches every resource and discovery.</summary>
    public string? Resource { get; init; }

    /// <summary>HTTP method; null matches every method.</summary>
    public string? Method { get; init; }

    /// <summary>A substring of the path and query; null matches every path.</summary>
    public string? PathContains { get; init; }

    /// <summary>The share of matching requests hit, 0–100.</summary>
    public double Percent { get; init; } = 100;

    /// <summary>How many requests the rule hits before it is removed; null hits until cleared.</summary>
    public int? Count { get; init; }

    /// <summary>The status answered (400–599); null only delays.</summary>
    public int? Status { get; init; }

    /// <summary>Retry-After seconds sent with a 429 or 503 (1 when not given, as the apiserver's max-in-flight filter sends).</summary>
    public int? RetryAfterSeconds { get; init; }

    /// <summary>Added before the request is handled (or failed).</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>Requests the rule has hit so far.</summary>
    public int Fired { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the field when the rule is unusable.</summary>
    public void Validate()
    {
        if (Verb is not null && !Verbs.Contains(Verb)) throw new ArgumentException($"verb: Unsupported value: \"{Verb}\": supported values: {string.Join(", ", Verbs.Select(v => $"\"{v}\""))}");
        if (Percent is not (> 0 and <= 100)) throw new ArgumentException($"percent: must be > 0 and <= 100 (got {Percent})");
        if (Count is <= 0) throw new ArgumentException($"count: must be positive (got {Count})");
        if (Status is { } s && s is < 400 or > 599) throw new ArgumentException($"status: must be a 4xx or 5xx code (got {s})");
        if (RetryAfterSeconds is { } r && (r < 0 || Status is not (429 or 503))) throw new ArgumentException("retryAfterSeconds: must be >= 0 and goes with status 429 or 503");
        if (Delay < TimeSpan.Zero || Delay > TimeSpan.FromMinutes(10)) throw new ArgumentException($"delayMilliseconds: must be between 0 and 600000 (got {Delay.TotalMilliseconds})");
        if (Status is null && Delay == TimeSpan.Zero) throw new ArgumentException("status: give a status, a delayMilliseconds, or both");
    }

    /// <summary>True when the rule applies to the request (before the percentage is drawn).</summary>
    public bool Matches(FaultTarget target) =>
        (Verb is null || Verb == target.Verb)
        && (Resource is null || string.Equals(Resource, target.Resource, StringComparison.Ordinal))
        && (Method is null || Method.Equals(target.Method, StringComparison.OrdinalIgnoreCase))
        && (PathContains is null || target.PathAndQuery.Contains(PathContains, StringComparison.Ordinal));

    /// <summary>The rule as the admin endpoint shows it.</summary>
    public JsonObject ToJson() => new()
    {
        ["id"] = Id,
        ["verb"] = Verb,
        ["resource"] = Resource,
        ["method"] = Method,
        ["pathContains"] = PathContains,
        ["percent"] = Percent,
        ["count"] = Count,
        ["status"] = Status,
        ["retryAfterSeconds"] = RetryAfterSeconds,
        ["delayMilliseconds"] = Delay.TotalMilliseconds,
        ["fired"] = Fired,
    };

    /// <summary>Reads a rule from the admin endpoint's JSON; unknown fields are refused so a typo never means "match everything".</summary>
    public static FaultRule FromJson(JsonObject json)
    {
        var known = new HashSet<string>(StringComparer.Ordinal) { "verb", "resource", "method", "pathContains", "percent", "count", "status", "retryAfterSeconds", "delayMilliseconds" };
        if (json.Select(p => p.Key).FirstOrDefault(k => !known.Contains(k)) is { } unknown)
            throw new ArgumentException($"{unknown}: unknown field; known fields: {string.Join(", ", known)}");
        var rule = new FaultRule
        {
            Verb = Text(json, "verb"),
            Resource = Text(json, "resource"),
            Method = Text(json, "method"),
            PathContains = Text(json, "pathContains"),
            Percent = Number(json, "percent") ?? 100,
            Count = (int?)Number(json, "count"),
            Status = (int?)Number(json, "status"),
            RetryAfterSeconds = (int?)Number(json, "retryAfterSeconds"),
            Delay = TimeSpan.FromMilliseconds(Number(json, "delayMilliseconds") ?? 0),
        };
        rule.Validate();
        return rule;
    }

    private static string? Text(JsonObject json, string field) => json[field] switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => throw new ArgumentException($"{field}: must be a string"),
    };

    private static double? Number(JsonObject json, string field) => json[field] switch
    {
        null => null,
        JsonValue v when v.TryGetValue<double>(out var d) && double.IsFinite(d) => d,
        _ => throw new ArgumentException($"{field}: must be a number"),
    };
}

/// <summary>What a request addresses, as fault rules match it.</summary>
public sealed record FaultTarget(string Method, string Verb, string? Resource, string PathAndQuery);

/// <summary>What a request gets from the matching rules: a delay, and an error unless it should be handled.</summary>
public sealed record InjectedFault(TimeSpan Delay, int? Status, int? RetryAfterSeconds);
