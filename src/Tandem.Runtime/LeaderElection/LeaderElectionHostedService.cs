using k8s;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tandem.Runtime.Metrics;

namespace Tandem.Runtime.LeaderElection;

/// <summary>
/// Holds the coordination.k8s.io Lease with KubernetesClient's <see cref="LeaderElector"/> and <see cref="LeaseLock"/>.
/// Losing the lease stops the application (as controller-runtime exits) so no two replicas reconcile; a graceful stop
/// releases the lease (empty holder, 1 s duration) so a standby takes over at once instead of after the lease expires.
/// Every acquire and renew goes through <see cref="FencingLeaseLock"/>, so <see cref="ILeadership.IsLeader"/> ends by
/// itself a renew deadline after the last successful renewal began (a paused leader stops acting before it resumes).
/// With leader election off, this replica leads at start.
/// </summary>
internal sealed class LeaderElectionHostedService(
    IKubernetes kubernetes,
    IOptions<RuntimeOptions> options,
    Leadership leadership,
    IHostApplicationLifetime lifetime,
    RuntimeMetrics metrics,
    TimeProvider time,
    ILogger<LeaderElectionHostedService> logger) : BackgroundService
{
    private readonly LeaderElectionOptions _options = options.Value.LeaderElection;
    private LeaseLock? _lock;
    private volatile bool _stopping;

    private string LeaseNamespace => _options.LeaseNamespace is { Length: > 0 } ns
        ? ns
        : Environment.GetEnvironmentVariable("POD_NAMESPACE") is { Length: > 0 } podNs ? podNs : "default";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
        {
            leadership.Set(true);
            return;
        }

        _lock = new LeaseLock(kubernetes, LeaseNamespace, _options.LeaseName, leadership.Identity);
        using var elector = new LeaderElector(new LeaderElectionConfig(new FencingLeaseLock(_lock, leadership, time))
        {
            LeaseDuration = _options.LeaseDuration,
            RenewDeadline = _options.RenewDeadline,
            RetryPeriod = _options.RetryPeriod,
        });
        elector.OnStartedLeading += () =>
        {
            logger.LogInformation("Became leader of lease {Namespace}/{Lease} as {Identity}", LeaseNamespace, _options.LeaseName, leadership.Identity);
            metrics.LeaderStatus.WithLabels(_options.LeaseName).Set(1);
            leadership.Set(true);
        };
        elector.OnStoppedLeading += () =>
        {
            metrics.LeaderStatus.WithLabels(_options.LeaseName).Set(0);
            leadership.Set(false);
            if (!_stopping && !stoppingToken.IsCancellationRequested)
            {
                logger.LogError("Lost lease {Namespace}/{Lease}; stopping so another replica leads", LeaseNamespace, _options.LeaseName);
                lifetime.StopApplication();
            }
        };
        elector.OnNewLeader += leader => logger.LogInformation("Lease {Namespace}/{Lease} is held by {Leader}", LeaseNamespace, _options.LeaseName, leader);
        elector.OnError += e => logger.LogDebug(e, "Leader election on {Namespace}/{Lease}: {Error}", LeaseNamespace, _options.LeaseName, e?.Message);

        try
        {
            await elector.RunUntilLeadershipLostAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // graceful stop
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        var wasLeader = leadership.IsLeader;
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (_options.Enabled && wasLeader && _lock is not null) await ReleaseAsync(_lock, cancellationToken).ConfigureAwait(false);
    }

    private async Task ReleaseAsync(LeaseLock leaseLock, CancellationToken ct)
    {
        try
        {
            var record = await leaseLock.GetAsync(ct).ConfigureAwait(false);
            if (record?.HolderIdentity != leadership.Identity) return;
            var now = DateTime.UtcNow;
            var released = await leaseLock.UpdateAsync(new LeaderElectionRecord
            {
                HolderIdentity = string.Empty,
                LeaseDurationSeconds = 1,
                AcquireTime = now,
                RenewTime = now,
                LeaderTransitions = record.LeaderTransitions,
            }, ct).ConfigureAwait(false);
            logger.LogInformation(released ? "Released lease {Namespace}/{Lease}" : "Could not release lease {Namespace}/{Lease}; it will expire", LeaseNamespace, _options.LeaseName);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Releasing lease {Namespace}/{Lease} failed; it will expire", LeaseNamespace, _options.LeaseName);
        }
    }
}
