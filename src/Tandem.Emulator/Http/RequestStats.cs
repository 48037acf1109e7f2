using System.Collections.Concurrent;
using System.Diagnostics;

namespace Tandem.Emulator.Http;

/// <summary>
/// What the API server has served, by verb (Kubernetes' verbs: get, list, watch, create, update, patch, delete,
/// deletecollection): a count and the handler time of each request, for benchmarks that profile the emulator
/// in-process. A watch's time is only its setup (the stream itself is counted in <see cref="WatchEventsSent"/>).
/// </summary>
public sealed class RequestStats
{
    private readonly ConcurrentDictionary<string, Entry> _verbs = new(StringComparer.Ordinal);
    private long _watchEvents;

    /// <summary>One verb's totals so far.</summary>
    public sealed record VerbTotals(string Verb, long Requests, TimeSpan HandlerTime);

    /// <summary>Every verb served so far.</summary>
    public IReadOnlyList<VerbTotals> Snapshot() =>
        _verbs.Select(kv => new VerbTotals(kv.Key, Interlocked.Read(ref kv.Value.Count), TimeSpan.FromTicks(Interlocked.Read(ref kv.Value.Ticks))))
            .OrderBy(v => v.Verb, StringComparer.Ordinal).ToArray();

    /// <summary>Watch events written to every watcher so far (the fan-out of each change).</summary>
    public long WatchEventsSent => Interlocked.Read(ref _watchEvents);

    internal void WatchEventSent() => Interlocked.Increment(ref _watchEvents);

    internal void Record(string verb, long startTimestamp)
    {
        var entry = _verbs.GetOrAdd(verb, _ => new Entry());
        Interlocked.Increment(ref entry.Count);
        Interlocked.Add(ref entry.Ticks, Stopwatch.GetElapsedTime(startTimestamp).Ticks);
    }

    /// <summary>The Kubernetes verb of a request (as the apiserver's audit log names it).</summary>
    internal static string Verb(string method, bool named, bool watch) => method switch
    {
        "GET" when watch => "watch",
        "GET" => named ? "get" : "list",
        "POST" => "create",
        "PUT" => "update",
        "PATCH" => "patch",
        "DELETE" => named ? "delete" : "deletecollection",
        _ => method.ToLowerInvariant(),
    };

    private sealed class Entry
    {
        public long Count;
        public long Ticks;
    }
}
