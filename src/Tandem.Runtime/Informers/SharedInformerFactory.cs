using System.Collections.Concurrent;
using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tandem.Runtime.Client;
using Tandem.Runtime.Metrics;

namespace Tandem.Runtime.Informers;

/// <summary>
/// One informer (and so one cache and one watch) per kind for the whole process, shared by every controller and
/// every <see cref="ICache{T}"/> reader. Informers asked for after <see cref="Start"/> start at once.
/// </summary>
public sealed class SharedInformerFactory(IServiceProvider services, IOptions<RuntimeOptions> options, TimeProvider time) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<Type, IInformer> _informers = new();
    private readonly object _gate = new();
    private readonly List<Task> _running = [];
    private CancellationTokenSource? _stop;

    public IReadOnlyCollection<IInformer> Informers => _informers.Values.ToList();

    /// <summary>True when every informer created so far has synced.</summary>
    public bool AllSynced => _informers.Values.All(i => i.HasSynced);

    public Informer<T> GetInformer<T>() where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var created = false;
        var informer = (Informer<T>)_informers.GetOrAdd(typeof(T), _ =>
        {
            created = true;
            var o = options.Value;
            return new Informer<T>(
                services.GetRequiredService<IResourceClient<T>>(),
                new InformerSettings(o.Namespaces, o.ResyncPeriod),
                time,
                services.GetRequiredService<ILogger<Informer<T>>>(),
                services.GetService<RuntimeMetrics>());
        });
        if (created)
        {
            lock (_gate)
            {
                if (_stop is not null) _running.Add(Run(informer, _stop.Token));
            }
        }

        return informer;
    }

    /// <summary>Starts every informer created so far (and makes later ones start when created).</summary>
    public void Start()
    {
        lock (_gate)
        {
            if (_stop is not null) return;
            _stop = new CancellationTokenSource();
            foreach (var informer in _informers.Values) _running.Add(Run(informer, _stop.Token));
        }
    }

    /// <summary>Waits until every informer created so far has synced.</summary>
    public async Task WaitForCacheSyncAsync(CancellationToken cancellationToken)
    {
        await Task.WhenAll(_informers.Values.Select(i => i.WaitForSyncAsync(cancellationToken))).ConfigureAwait(false);
    }

    /// <summary>Stops every informer and waits for their loops to end.</summary>
    public async Task StopAsync()
    {
        Task[] running;
        lock (_gate)
        {
            if (_stop is null) return;
            _stop.Cancel();
            running = [.. _running];
        }

        await Task.WhenAll(running).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stop?.Dispose();
    }

    private static Task Run(IInformer informer, CancellationToken ct) => Task.Run(() => informer.RunAsync(ct), CancellationToken.None);
}
