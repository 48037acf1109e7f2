using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tandem.Operator.Hosting;

namespace Tandem.Operator.ControlTls;

/// <summary>
/// Loads the control-plane CA when the operator starts (so the control clients have their certificate before the first
/// tick) and looks at it again every <see cref="OperatorOptions.ControlCaRecheck"/>: a CA that is due is rotated, a
/// deleted one is recreated.
/// </summary>
public sealed class ControlAuthorityRefresher(ControlAuthority authority, IOptions<OperatorOptions> options, TimeProvider time, ILogger<ControlAuthorityRefresher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan wait;
            try
            {
                await authority.EnsureAsync(stoppingToken).ConfigureAwait(false);
                failures = 0;
                wait = options.Value.ControlCaRecheck;
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                failures++;
                wait = TimeSpan.FromMilliseconds(Math.Min(30_000, 250 * Math.Pow(2, Math.Min(failures, 8))));
                logger.LogWarning(e, "Could not load the control-plane CA from Secret {Namespace}/{Name}; retrying in {Wait}", authority.Namespace, ControlAuthority.SecretName, wait);
            }

            try
            {
                await Task.Delay(wait, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
