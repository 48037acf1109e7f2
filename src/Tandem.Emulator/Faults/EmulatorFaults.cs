using Tandem.Emulator.Storage;

namespace Tandem.Emulator.Faults;

/// <summary>Fault injection for reliability tests: added latency, 429/500 answers, dropped watches, forced compaction.</summary>
public sealed class EmulatorFaults
{
    private readonly object _gate = new();
    private readonly ObjectStore _store;
    private readonly List<FailureRule> _rules = [];

    internal EmulatorFaults(ObjectStore store) => _store = store;

    /// <summary>Delay added before every API request is handled (measured on the cluster's TimeProvider).</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>Answers the next <paramref name="count"/> requests whose method and path-and-query match with <paramref name="statusCode"/> (e.g. 429 or 500).</summary>
    public void FailNext(int count, int statusCode = 500, string? method = null, string? pathContains = null)
    {
        if (count <= 0) throw new ArgumentOutOfRangeException(nameof(count), "count must be positive");
        if (statusCode is < 400 or > 599) throw new ArgumentOutOfRangeException(nameof(statusCode), "statusCode must be a 4xx or 5xx code");
        lock (_gate) _rules.Add(new FailureRule(count, statusCode, method, pathContains));
    }

    /// <summary>Removes pending failures and latency.</summary>
    public void Clear()
    {
        lock (_gate) _rules.Clear();
        Latency = TimeSpan.Zero;
    }

    /// <summary>Closes every open watch stream, as a load balancer or apiserver restart would.</summary>
    public void DropWatches() => _store.DropWatches();

    /// <summary>Discards the change history: resuming a watch from an older resourceVersion gets 410 Gone.</summary>
    public void Compact() => _store.Compact();

    /// <summary>Returns the injected failure for this request, if any.</summary>
    internal ApiException? TakeFailure(string method, string path)
    {
        lock (_gate)
        {
            var rule = _rules.FirstOrDefault(r => (r.Method is null || r.Method.Equals(method, StringComparison.OrdinalIgnoreCase))
                && (r.PathContains is null || path.Contains(r.PathContains, StringComparison.Ordinal)));
            if (rule is null) return null;
            rule.Remaining--;
            if (rule.Remaining == 0) _rules.Remove(rule);
            return rule.StatusCode switch
            {
                429 => new ApiException(429, "TooManyRequests", "the server has received too many requests and has asked us to try again later (injected fault)"),
                500 => new ApiException(500, "InternalError", "an error on the server (\"injected fault\") has prevented the request from succeeding"),
                503 => new ApiException(503, "ServiceUnavailable", "the server is currently unable to handle the request (injected fault)"),
                _ => new ApiException(rule.StatusCode, "InternalError", $"injected fault {rule.StatusCode}"),
            };
        }
    }

    private sealed class FailureRule(int count, int statusCode, string? method, string? pathContains)
    {
        public int Remaining { get; set; } = count;
        public int StatusCode { get; } = statusCode;
        public string? Method { get; } = method;
        public string? PathContains { get; } = pathContains;
    }
}
