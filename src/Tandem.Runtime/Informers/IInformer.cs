namespace Tandem.Runtime.Informers;

/// <summary>An informer as the hosting code sees it: run it, ask whether it has synced.</summary>
public interface IInformer
{
    /// <summary>The resource this informer lists and watches, e.g. "Pod.v1".</summary>
    string Resource { get; }

    bool HasSynced { get; }

    Task WaitForSyncAsync(CancellationToken cancellationToken);

    /// <summary>Lists and watches until <paramref name="cancellationToken"/> ends.</summary>
    Task RunAsync(CancellationToken cancellationToken);
}
