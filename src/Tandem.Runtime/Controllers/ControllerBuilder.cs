using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;

namespace Tandem.Runtime.Controllers;

/// <summary>
/// Declares what feeds one controller, controller-runtime style: <see cref="Owns{TChild}"/> enqueues a child's
/// controlling owner, <see cref="Watches{TOther}"/> maps any kind to keys.
/// </summary>
public sealed class ControllerBuilder<TEntity> where TEntity : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly ControllerRegistration _registration;

    internal ControllerBuilder(IServiceCollection services, ControllerRegistration registration)
    {
        Services = services;
        _registration = registration;
    }

    public IServiceCollection Services { get; }

    /// <summary>Reconciles the owner whenever a <typeparamref name="TChild"/> it controls (ownerReference controller=true) changes.</summary>
    public ControllerBuilder<TEntity> Owns<TChild>() where TChild : class, IKubernetesObject<V1ObjectMeta>
    {
        var owner = _registration.For;
        _registration.AddSource<TChild>(child => UpdateFilters.ControllerOwner(child, owner), updateFilter: null);
        return this;
    }

    /// <summary>Reconciles the keys <paramref name="map"/> returns whenever a <typeparamref name="TOther"/> changes.</summary>
    public ControllerBuilder<TEntity> Watches<TOther>(Func<TOther, IEnumerable<ReconcileRequest>> map) where TOther : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(map);
        _registration.AddSource(map, updateFilter: null);
        return this;
    }

    /// <summary>Reconciles the keys the in-process <typeparamref name="TTrigger"/> (a registered singleton) raises.</summary>
    public ControllerBuilder<TEntity> Triggers<TTrigger>() where TTrigger : class, IReconcileTrigger
    {
        _registration.AddTrigger(typeof(TTrigger));
        return this;
    }

    /// <summary>Runs this controller with <paramref name="workers"/> concurrent reconciles (overrides the options).</summary>
    public ControllerBuilder<TEntity> WithWorkers(int workers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        _registration.Workers = workers;
        return this;
    }

    /// <summary>Retries a failed key after <paramref name="backoff"/> (per key, doubling) instead of the runtime's default.</summary>
    public ControllerBuilder<TEntity> WithBackoff(Queue.ExponentialBackoff backoff)
    {
        ArgumentNullException.ThrowIfNull(backoff);
        _registration.Backoff = backoff;
        return this;
    }
}
