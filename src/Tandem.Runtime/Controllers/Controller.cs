using System.Net;
using k8s.Autorest;
using Microsoft.Extensions.Logging;
using Tandem.Runtime.Metrics;
using Tandem.Runtime.Queue;

namespace Tandem.Runtime.Controllers;

/// <summary>
/// The worker loop of one controller (cert-manager's controller.go in .NET): N workers take keys from the work queue,
/// reconcile, and forget (done), requeue after a delay, or requeue with backoff (error); a terminal error is not
/// retried and a 409 Conflict requeues quietly. On stop the queue drains: queued and in-flight keys finish, bounded
/// by the graceful shutdown timeout, after which in-flight reconciles are cancelled.
/// </summary>
public sealed class Controller
{
    private readonly Func<ReconcileRequest, CancellationToken, Task<ReconcileResult>> _reconcile;
    private readonly ControllerSettings _settings;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly RuntimeMetrics? _metrics;
    private volatile bool _started;

    public Controller(
        string name,
        Func<ReconcileRequest, CancellationToken, Task<ReconcileResult>> reconcile,
        ControllerSettings settings,
        TimeProvider time,
        ILogger logger,
        RuntimeMetrics? metrics = null)
    {
        Name = name;
        _reconcile = reconcile;
        _settings = settings;
        _time = time;
        _logger = logger;
        _metrics = metrics;
        metrics?.RegisterController(name);
        Queue = new WorkQueue<ReconcileRequest>(time, settings.Backoff, metrics?.ForQueue(name));
    }

    public string Name { get; }

    public WorkQueue<ReconcileRequest> Queue { get; }

    /// <summary>True once the workers run.</summary>
    public bool Started => _started;

    public void Enqueue(ReconcileRequest request) => Queue.Add(request);

    /// <summary>Runs the workers until <paramref name="stoppingToken"/> ends, then drains the queue.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        using var hardStop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, _settings.Workers).Select(_ => Task.Run(() => WorkerAsync(hardStop.Token), CancellationToken.None)).ToArray();
        _started = true;
        _logger.LogInformation("Controller {Controller} started with {Workers} workers", Name, _settings.Workers);

        await Task.Delay(Timeout.InfiniteTimeSpan, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);

        Queue.ShutDown();
        var all = Task.WhenAll(workers);
        using var timeout = new CancellationTokenSource();
        var timer = Task.Delay(_settings.GracefulShutdownTimeout, _time, timeout.Token);
        if (await Task.WhenAny(all, timer).ConfigureAwait(false) != all)
        {
            _logger.LogWarning("Controller {Controller}: reconciles still running after {Timeout}; cancelling them", Name, _settings.GracefulShutdownTimeout);
            hardStop.Cancel();
        }

        timeout.Cancel();
        await all.ConfigureAwait(false);
        _logger.LogInformation("Controller {Controller} stopped", Name);
    }

    private async Task WorkerAsync(CancellationToken ct)
    {
        while (true)
        {
            var (ok, request) = await Queue.GetAsync(CancellationToken.None).ConfigureAwait(false);
            if (!ok) return;
            try
            {
                await ProcessAsync(request, ct).ConfigureAwait(false);
            }
            finally
            {
                Queue.Done(request);
            }
        }
    }

    private async Task ProcessAsync(ReconcileRequest request, CancellationToken ct)
    {
        var started = _time.GetTimestamp();
        _metrics?.ActiveWorkers.WithLabels(Name).Inc();
        string result;
        try
        {
            var outcome = await _reconcile(request, ct).ConfigureAwait(false);
            if (outcome.RequeueAfter is { } delay)
            {
                Queue.Forget(request);
                Queue.AddAfter(request, delay);
                result = "requeue_after";
            }
            else if (outcome.Requeue)
            {
                Queue.AddRateLimited(request);
                result = "requeue";
            }
            else
            {
                Queue.Forget(request);
                result = "success";
            }
        }
        catch (TerminalReconcileException e)
        {
            Queue.Forget(request);
            result = "error";
            _metrics?.ReconcileErrors.WithLabels(Name).Inc();
            _metrics?.TerminalReconcileErrors.WithLabels(Name).Inc();
            _logger.LogError(e, "Reconcile {Controller} {Request} failed terminally; not retrying: {Reason}", Name, request, e.Message);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            result = "error";
            _logger.LogWarning("Reconcile {Controller} {Request} cancelled by shutdown", Name, request);
        }
        catch (Exception e)
        {
            Queue.AddRateLimited(request);
            result = "error";
            _metrics?.ReconcileErrors.WithLabels(Name).Inc();
            if (e is HttpOperationException { Response.StatusCode: HttpStatusCode.Conflict })
            {
                // Optimistic-lock conflicts are routine: the cache was stale; the retry reads the newer object.
                _logger.LogDebug("Reconcile {Controller} {Request}: conflict, requeueing", Name, request);
            }
            else if (e is HttpOperationException { Response.StatusCode: HttpStatusCode.NotFound })
            {
                // The object (or a child it wrote to) was deleted while the reconcile ran: a race, not a failure;
                // the retry reads the cache again and finds it gone.
                _logger.LogDebug("Reconcile {Controller} {Request}: object gone mid-reconcile ({Reason}), requeueing", Name, request, e.Message);
            }
            else
            {
                _logger.LogError(e, "Reconcile {Controller} {Request} failed; retry {Retry} with backoff", Name, request, Queue.NumRequeues(request));
            }
        }
        finally
        {
            _metrics?.ActiveWorkers.WithLabels(Name).Dec();
        }

        // Time before count: a scrape that sees a counted reconcile also sees its duration.
        _metrics?.ReconcileTime.WithLabels(Name).Observe(_time.GetElapsedTime(started).TotalSeconds);
        _metrics?.ReconcileTotal.WithLabels(Name, result).Inc();
    }
}

/// <summary>How one controller runs: workers, the drain bound on shutdown, the per-key backoff.</summary>
public sealed record ControllerSettings(int Workers, TimeSpan GracefulShutdownTimeout, ExponentialBackoff? Backoff = null);
