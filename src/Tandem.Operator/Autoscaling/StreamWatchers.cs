using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Tandem.Operator.Autoscaling;

/// <summary>How current a stream's latest message is.</summary>
public enum StreamFreshness
{
    /// <summary>No message since watching began.</summary>
    NeverSeen,

    /// <summary>The latest message arrived within the staleness bound and the stream has not broken since.</summary>
    Fresh,

    /// <summary>A message was seen, but the stream broke since or went quiet past the staleness bound: old data, not the truth.</summary>
    Unknown,
}

/// <summary>What is known from one address's stream: its latest message, how current it is, and since when it is watched.</summary>
public sealed record StreamSighting<T>(T? Latest, StreamFreshness Freshness, DateTimeOffset WatchedSince) where T : class
{
    /// <summary>The latest message when it is fresh, else null (old data is never used as current).</summary>
    public T? Current => Freshness == StreamFreshness.Fresh ? Latest : null;
}

/// <summary>
/// Keeps one background stream per address (an engine's status stream or a router's load stream) and the latest
/// message of each. Streams start on first interest and stop when their address is forgotten (the pod went away).
/// A stream that breaks, or sends nothing for <c>staleAfter</c> (the sender heartbeats well within it, so a paused or
/// hung peer shows here), turns its address Unknown until the next message.
/// </summary>
public sealed class StreamWatchers<T>(Func<string, Action<Exception>, CancellationToken, IAsyncEnumerable<T>> open, TimeSpan staleAfter, TimeProvider time, ILogger logger) : IAsyncDisposable
    where T : class
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>Starts watching <paramref name="address"/> if not already, and returns its latest message when fresh (null otherwise).</summary>
    public T? Latest(string address) => Sighting(address).Current;

    /// <summary>Starts watching <paramref name="address"/> if not already, and returns what is known of it.</summary>
    public StreamSighting<T> Sighting(string address)
    {
        var entry = _entries.GetOrAdd(address, Start);
        var (latest, at, broken) = entry.Read();
        var freshness = latest is null ? StreamFreshness.NeverSeen
            : broken || time.GetUtcNow() - at > staleAfter ? StreamFreshness.Unknown
            : StreamFreshness.Fresh;
        return new StreamSighting<T>(latest, freshness, entry.Since);
    }

    /// <summary>Addresses being watched.</summary>
    public IReadOnlyCollection<string> Addresses => _entries.Keys.ToArray();

    /// <summary>Stops watching <paramref name="address"/>.</summary>
    public void Forget(string address)
    {
        if (_entries.TryRemove(address, out var entry))
        {
            entry.Stop.Cancel();
            entry.Stop.Dispose();
        }
    }

    /// <summary>Stops every address not in <paramref name="keep"/>; returns those stopped.</summary>
    public IReadOnlyList<string> Retain(IReadOnlySet<string> keep)
    {
        var gone = _entries.Keys.Where(a => !keep.Contains(a)).ToArray();
        foreach (var address in gone)
        {
            Forget(address);
        }

        return gone;
    }

    public ValueTask DisposeAsync()
    {
        foreach (var address in _entries.Keys)
        {
            Forget(address);
        }

        return ValueTask.CompletedTask;
    }

    private Entry Start(string address)
    {
        var entry = new Entry(time.GetUtcNow());
        var token = entry.Stop.Token;
        _ = Task.Run(async () =>
        {
            try
            {
                await foreach (var message in open(address, error => Broke(address, entry, error), token).ConfigureAwait(false))
                {
                    entry.Seen(message, time.GetUtcNow());
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                // Forgotten: the pod went away.
            }
            catch (Exception error)
            {
                Broke(address, entry, error);
                _entries.TryRemove(KeyValuePair.Create(address, entry));
            }
        });
        return entry;
    }

    private void Broke(string address, Entry entry, Exception error)
    {
        entry.Broke();
        logger.LogDebug(error, "Stream from {Address} broke; its last message no longer counts", address);
    }

    private sealed class Entry(DateTimeOffset since)
    {
        private readonly object _gate = new();
        private T? _latest;
        private DateTimeOffset _at;
        private bool _broken;

        public CancellationTokenSource Stop { get; } = new();

        public DateTimeOffset Since { get; } = since;

        public void Seen(T message, DateTimeOffset at)
        {
            lock (_gate)
            {
                (_latest, _at, _broken) = (message, at, false);
            }
        }

        public void Broke()
        {
            lock (_gate)
            {
                _broken = true;
            }
        }

        public (T? Latest, DateTimeOffset At, bool Broken) Read()
        {
            lock (_gate)
            {
                return (_latest, _at, _broken);
            }
        }
    }
}
