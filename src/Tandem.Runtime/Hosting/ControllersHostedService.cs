using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tandem.Runtime.Controllers;
using Tandem.Runtime.Informers;
using Tandem.Runtime.Metrics;

namespace Tandem.Runtime.Hosting;

/// <summary>
/// Runs every registered controller once this replica leads and the caches have synced; on stop the controllers drain
/// their queues (this service is registered after leader election, so it stops before the lease is released).
/// </summary>
internal sealed class ControllersHostedService(
    IServiceProvider services,
    SharedInformerFactory factory,
    IEnumerable<ControllerRegistration> registrations,
    ILeadership leadership,
    IOptions<RuntimeOptions> options,
    TimeProvider time,
    ILoggerFactory loggers,
    RuntimeMetrics metrics,
    RuntimeStatus status) : BackgroundService
{
    /// <summary>
    /// A key taken while the lease may have passed to another replica (renewals stopped, e.g. the process was paused)
    /// is not reconciled: no write after the fence. It is looked at again shortly; by then this replica has renewed or
    /// the lost lease has stopped it.
    /// </summary>
    private static readonly TimeSpan NotLeaderRecheck = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var all = registrations.ToList();
        var duplicate = all.GroupBy(r => r.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new InvalidOperationException($"two controllers are named '{duplicate.Key}': register one controller per kind");

        try
        {
            await leadership.WaitForLeadershipAsync(stoppingToken).ConfigureAwait(false);
            await factory.WaitForCacheSyncAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        var o = options.Value;
        var controllers = all.Select(r =>
        {
            var controller = new Controller(
                r.Name,
                (request, ct) => leadership.IsLeader ? r.Reconcile(services, request, ct) : Task.FromResult(ReconcileResult.After(NotLeaderRecheck)),
                new ControllerSettings(r.Workers ?? o.WorkersFor(r.Name), o.GracefulShutdownTimeout, r.Backoff),
                time,
                loggers.CreateLogger("Tandem.Runtime.Controller." + r.Name),
                metrics);
            r.Connect(factory, controller.Enqueue);
            r.ConnectTriggers(services, controller.Enqueue);
            return controller;
        }).ToList();

        var runs = controllers.Select(c => c.RunAsync(stoppingToken)).ToList();
        status.ControllersStarted = true;
        try
        {
            await Task.WhenAll(runs).ConfigureAwait(false);
        }
        finally
        {
            status.ControllersStarted = false;
        }
    }
}
