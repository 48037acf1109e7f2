using Tandem.Emulator.Storage;

namespace Tandem.Emulator.Faults;

/// <summary>
/// Fault injection for reliability tests: added latency, rules that slow or fail requests by verb, resource and
/// percentage (429 with Retry-After, 500, ...), dropped watches, forced compaction (410 Gone on watch resume). Driven
/// in-process or over HTTP (<see cref="FaultAdminEndpoint"/>).
/// </summary>
public sealed class EmulatorFaults
{
    private readonly object _gate = new();
    private readonly ObjectStore _store;
    private readonly List<FaultRule> _rules = [];
    private readonly Random _random;
    private int _nextId = 1;
    private int _droppedWatches;
    private int _compactions;

    internal EmulatorFaults(ObjectStore store, int? seed = null)
    {
        _store = store;
        _random = seed is { } s ? new Random(s) : new Random();
    }

    /// <summary>Delay added before every API request is handled (measured on the cluster's TimeProvider).</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>Answers the next <paramref name="count"/> requests whose method and path-and-query match with <paramref name="statusCode"/> (e.g. 429 or 500).</summary>
    public void FailNext(int count, int statusCode = 500, string? method = null, string? pathContains = null)
    {
        if (count <= 0) throw new ArgumentOutOfRangeException(nameof(count), "count must be positive");
        if (statusCode is < 400 or > 599) throw new ArgumentOutOfRangeException(nameof(statusCode), "statusCode must be a 4xx or 5xx code");
        Add(new FaultRule { Count = count, Status = statusCode, Method = method, PathContains = pathContains });
    }

    /// <summary>Adds a rule (validated) and returns it with its id.</summary>
    public FaultRule Add(FaultRule rule)
    {
        rule.Validate();
        lock (_gate)
        {
            var added = rule with { Id = _nextId++, Fired = 0 };
            _rules.Add(added);
            return added;
        }
    }

    /// <summary>Removes one rule; false when no rule has that id.</summary>
    public bool Remove(int id)
    {
        lock (_gate) return _rules.RemoveAll(r => r.Id == id) > 0;
    }

    /// <summary>The rules in force, with how often each has fired.</summary>
    public IReadOnlyList<FaultRule> Rules
    {
        get { lock (_gate) return [.. _rules]; }
    }

    /// <summary>Watch drops and compactions done so far.</summary>
    public (int DroppedWatches, int Compactions) Actions
    {
        get { lock (_gate) return (_droppedWatches, _compactions); }
    }

    /// <summary>Removes every rule and the latency.</summary>
    public void Clear()
    {
        lock (_gate) _rules.Clear();
        Latency = TimeSpan.Zero;
    }

    /// <summary>Closes every open watch stream, as a load balancer or apiserver restart would.</summary>
    public void DropWatches()
    {
        lock (_gate) _droppedWatches++;
        _store.DropWatches();
    }

    /// <summary>Discards the change history: resuming a watch from an older resourceVersion gets 410 Gone.</summary>
    public void Compact()
    {
        lock (_gate) _compactions++;
        _store.Compact();
    }

    /// <summary>The fault this request gets, if any: every matching slow rule adds its delay; the first matching error rule fails it.</summary>
    internal InjectedFault? Take(FaultTarget target)
    {
        lock (_gate)
        {
            var delay = Latency;
            int? status = null, retryAfter = null;
            for (var i = 0; i < _rules.Count; i++)
            {
                var rule = _rules[i];
                if (!rule.Matches(target) || (rule.Status is not null && status is not null)) continue;
                if (rule.Percent < 100 && _random.NextDouble() * 100 >= rule.Percent) continue;
                delay += rule.Delay;
                if (rule.Status is { } s)
                {
                    status = s;
                    retryAfter = rule.RetryAfterSeconds;
                }

                var fired = rule with { Fired = rule.Fired + 1 };
                if (fired.Count is { } count && fired.Fired >= count)
                {
                    _rules.RemoveAt(i--);
                }
                else
                {
                    _rules[i] = fired;
                }
            }

            return delay == TimeSpan.Zero && status is null ? null : new InjectedFault(delay, status, retryAfter);
        }
    }

    /// <summary>The apiserver's Status for an injected error code.</summary>
    internal static ApiException Error(int status) => status switch
    {
        429 => new ApiException(429, "TooManyRequests", "the server has received too many requests and has asked us to try again later (injected fault)"),
        500 => new ApiException(500, "InternalError", "an error on the server (\"injected fault\") has prevented the request from succeeding"),
        503 => new ApiException(503, "ServiceUnavailable", "the server is currently unable to handle the request (injected fault)"),
        504 => new ApiException(504, "Timeout", "the server was unable to return a response in the time allotted (injected fault)"),
        410 => new ApiException(410, "Expired", "too old resource version (injected fault)"),
        _ => new ApiException(status, "InternalError", $"injected fault {status}"),
    };
}
