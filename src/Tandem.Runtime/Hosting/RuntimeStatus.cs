using Tandem.Runtime.Informers;

namespace Tandem.Runtime.Hosting;

/// <summary>The facts readiness is judged on: caches synced, leading, controllers running.</summary>
public sealed class RuntimeStatus(SharedInformerFactory factory, ILeadership leadership)
{
    private volatile bool _controllersStarted;

    public bool CachesSynced => factory.AllSynced;

    public bool IsLeader => leadership.IsLeader;

    public bool ControllersStarted
    {
        get => _controllersStarted;
        internal set => _controllersStarted = value;
    }

    /// <summary>Ready when caches have synced and, if leading, the controllers run; else the reason it is not.</summary>
    public (bool Ready, string Reason) Readiness()
    {
        if (!CachesSynced)
        {
            var waiting = factory.Informers.Where(i => !i.HasSynced).Select(i => i.Resource);
            return (false, "caches not synced: " + string.Join(", ", waiting));
        }

        if (IsLeader && !ControllersStarted) return (false, "leading but controllers not started");
        return (true, IsLeader ? "caches synced, leading, controllers running" : "caches synced, standby");
    }
}
