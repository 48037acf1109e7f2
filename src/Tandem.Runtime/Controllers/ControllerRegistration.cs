using k8s;
using k8s.Models;
using Tandem.Runtime.Informers;
using Tandem.Runtime.Resources;

namespace Tandem.Runtime.Controllers;

/// <summary>
/// What <c>AddController</c> and its builder recorded: the controller's name and kind, which informers feed it and how
/// their changes map to keys, and how to run one reconcile. Read by the hosted services at start.
/// </summary>
public sealed class ControllerRegistration
{
    private readonly List<Action<SharedInformerFactory>> _informers = [];
    private readonly List<Action<SharedInformerFactory, Action<ReconcileRequest>>> _sources = [];
    private readonly List<Type> _triggers = [];

    internal ControllerRegistration(string name, ResourceType forType, Func<IServiceProvider, ReconcileRequest, CancellationToken, Task<ReconcileResult>> reconcile)
    {
        Name = name;
        For = forType;
        Reconcile = reconcile;
    }

    /// <summary>The controller's name: the lower-case kind it reconciles (used in metrics, logs and options).</summary>
    public string Name { get; }

    public ResourceType For { get; }

    /// <summary>Workers set by the builder; null means the options decide.</summary>
    public int? Workers { get; internal set; }

    /// <summary>Per-key backoff after errors set by the builder; null means the runtime's default.</summary>
    public Queue.ExponentialBackoff? Backoff { get; internal set; }

    internal Func<IServiceProvider, ReconcileRequest, CancellationToken, Task<ReconcileResult>> Reconcile { get; }

    internal void AddSource<T>(Func<T, IEnumerable<ReconcileRequest>> map, Func<T, T, bool>? updateFilter)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        _informers.Add(f => f.GetInformer<T>());
        _sources.Add((f, enqueue) => f.GetInformer<T>().AddHandler(new MappingEventHandler<T>(map, enqueue, updateFilter)));
    }

    internal void AddTrigger(Type trigger) => _triggers.Add(trigger);

    /// <summary>Connects every in-process trigger (resolved from <paramref name="services"/>) to <paramref name="enqueue"/>.</summary>
    public void ConnectTriggers(IServiceProvider services, Action<ReconcileRequest> enqueue)
    {
        foreach (var type in _triggers)
        {
            var trigger = (IReconcileTrigger)(services.GetService(type) ?? throw new InvalidOperationException($"controller {Name}: trigger {type.Name} is not registered"));
            trigger.Subscribe(enqueue);
        }
    }

    /// <summary>Creates (without handlers) every informer this controller reads, so caches warm before it leads.</summary>
    public void CreateInformers(SharedInformerFactory factory)
    {
        foreach (var create in _informers) create(factory);
    }

    /// <summary>Connects every source informer to <paramref name="enqueue"/> (existing objects replay as adds).</summary>
    public void Connect(SharedInformerFactory factory, Action<ReconcileRequest> enqueue)
    {
        foreach (var connect in _sources) connect(factory, enqueue);
    }
}
