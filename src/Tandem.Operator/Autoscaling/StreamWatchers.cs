using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Tandem.Operator.Autoscaling;

/// <summary>
/// Keeps one background stream per address (an engine's status stream or a router's load stream) and the latest
/// message of each. Streams start on first interest and stop when their address is forgotten (the pod went away).
/// </summary>
public sealed class StreamWatchers<T>(Func<string, CancellationToken, IAsyncEnumerable<T>> open, ILogger logger) : IAsyncDisposable
    where T : class
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>Starts watching <paramref name="address"/> if not already, and returns its latest message (null until the first).</summary>
    public T? Latest(string address) => _entries.GetOrAdd(address, Start).Latest;

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
        var entry = new Entry();
        _ = Task.Run(async () =>
        {
            try
            {
                await foreach (var message in open(address, entry.Stop.Token).ConfigureAwait(false))
                {
                    entry.Latest = message;
                }
            }
            catch (OperationCanceledException) when (entry.Stop.IsCancellationRequested)
            {
                // Forgotten: the pod went away.
            }
            catch (Exception error)
            {
                logger.LogWarning(error, "Stream from {Address} ended", address);
                _entries.TryRemove(KeyValuePair.Create(address, entry));
            }
        });
        return entry;
    }

    private sealed class Entry
    {
        public CancellationTokenSource Stop { get; } = new();

        private T? _latest;

        public T? Latest
        {
            get => Volatile.Read(ref _latest);
            set => Volatile.Write(ref _latest, value);
        }
    }
}
