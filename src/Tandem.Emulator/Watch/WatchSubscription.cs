using System.Text.Json.Nodes;
using System.Threading.Channels;
using Tandem.Emulator.Storage;

namespace Tandem.Emulator.Watch;

/// <summary>A watch event as delivered to one watcher (type already adjusted for its filter).</summary>
public sealed record WatchEvent(string Type, JsonObject Object, long Revision, bool InitialEventsEnd = false)
{
    public const string Bookmark = "BOOKMARK";
}

/// <summary>
/// One watcher registered with the store: which objects it sees and the channel they arrive on.
/// Events are written under the store lock, so each watcher sees changes in resourceVersion order.
/// </summary>
public sealed class WatchSubscription : IDisposable
{
    private readonly Action<WatchSubscription> _unsubscribe;
    private readonly Channel<WatchEvent> _channel = Channel.CreateUnbounded<WatchEvent>(new() { SingleReader = true });

    internal WatchSubscription(string? storageKey, string? ns, Func<JsonObject, bool> filter, Action<WatchSubscription> unsubscribe)
    {
        StorageKey = storageKey;
        Namespace = ns;
        Filter = filter;
        _unsubscribe = unsubscribe;
    }

    /// <summary>Null to see every resource (internal controllers).</summary>
    public string? StorageKey { get; }
    public string? Namespace { get; }
    public Func<JsonObject, bool> Filter { get; }
    public ChannelReader<WatchEvent> Events => _channel.Reader;

    /// <summary>Closes the stream from the server side (fault injection: a dropped watch).</summary>
    public void Drop() => _channel.Writer.TryComplete();

    internal void Offer(StoredEvent e)
    {
        if (StorageKey is not null && e.StorageKey != StorageKey) return;
        if (Namespace is not null && e.Namespace != Namespace) return;
        bool now = e.Type != StoredEvent.Deleted && Filter(e.Object);
        bool before = e.Previous is not null && Filter(e.Previous);
        // A filtered watcher sees an object leave its selection as DELETED and enter it as ADDED, like the apiserver.
        string? type = e.Type switch
        {
            StoredEvent.Deleted => Filter(e.Object) ? StoredEvent.Deleted : null,
            StoredEvent.Added => now ? StoredEvent.Added : null,
            _ => (before, now) switch { (true, true) => StoredEvent.Modified, (false, true) => StoredEvent.Added, (true, false) => StoredEvent.Deleted, _ => null },
        };
        if (type is not null) _channel.Writer.TryWrite(new WatchEvent(type, e.Object, e.Revision));
    }

    internal void Send(WatchEvent e) => _channel.Writer.TryWrite(e);

    public void Dispose()
    {
        _channel.Writer.TryComplete();
        _unsubscribe(this);
    }
}
