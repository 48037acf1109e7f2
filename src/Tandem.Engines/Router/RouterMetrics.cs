using Prometheus;
using Tandem.Engines.OpenAi;

namespace Tandem.Engines.Router;

/// <summary>
/// The router's Prometheus metrics at <c>/metrics</c>, with Prometheus naming (base units, <c>_total</c> counters, no
/// colons): requests by outcome, time to first token and between tokens as the client sees them, the queue, in-flight
/// work per instance, re-dispatches and the membership version. Queue and in-flight gauges are read from the load
/// tracker at scrape time, so they never drift from what WatchLoad reports.
/// </summary>
public sealed class RouterMetrics
{
    private static readonly double[] LatencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
    private static readonly double[] TokenGapBuckets = [0.001, 0.0025, 0.005, 0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56];

    private readonly Counter _requests;
    private readonly Histogram _firstToken;
    private readonly Histogram _interToken;
    private readonly Counter _retries;
    private readonly Gauge _inFlight;
    private readonly HashSet<string> _instancesShown = new(StringComparer.Ordinal);

    /// <summary>Outcomes of <c>tandem_router_requests_total</c>.</summary>
    public static class Outcomes
    {
        public const string Success = "success";
        public const string InvalidRequest = "invalid_request";
        public const string ModelNotFound = "model_not_found";
        public const string Unavailable = "unavailable";
        public const string UpstreamError = "upstream_error";
        public const string Cancelled = "cancelled";
    }

    public RouterMetrics(RouterLoadTracker load, MembershipTable members)
    {
        Registry = Prometheus.Metrics.NewCustomRegistry();
        var f = Prometheus.Metrics.WithCustomRegistry(Registry);
        _requests = f.CreateCounter("tandem_router_requests_total", "Requests answered by the router, by endpoint and outcome.", "endpoint", "outcome");
        _firstToken = f.CreateHistogram("tandem_router_time_to_first_token_seconds", "From a request's arrival at the router to its first generated token sent to the client.",
            new HistogramConfiguration { LabelNames = ["endpoint"], Buckets = LatencyBuckets });
        _interToken = f.CreateHistogram("tandem_router_inter_token_latency_seconds", "Time between two generated tokens sent to the client.",
            new HistogramConfiguration { LabelNames = ["endpoint"], Buckets = TokenGapBuckets });
        _retries = f.CreateCounter("tandem_router_retries_total", "Re-dispatches of the rest of a request after an instance failed, refused or left.");
        var queuedRequests = f.CreateGauge("tandem_router_queued_requests", "Requests waiting in the router because no instance can take them.");
        var queuedPromptTokens = f.CreateGauge("tandem_router_queued_prompt_tokens", "Prompt tokens of accepted requests whose prefill has not finished.");
        var version = f.CreateGauge("tandem_router_membership_version", "Membership version the router applies (-1 before any).");
        _inFlight = f.CreateGauge("tandem_router_in_flight_requests", "Requests the router has sent to an instance and not seen finish.", "instance");

        // Every series exists from the start, so a rate() or an alert on errors has data before the first error.
        foreach (var endpoint in new[] { OpenAiEndpoint.Completions, OpenAiEndpoint.ChatCompletions })
        {
            foreach (var outcome in new[] { Outcomes.Success, Outcomes.InvalidRequest, Outcomes.ModelNotFound, Outcomes.Unavailable, Outcomes.UpstreamError, Outcomes.Cancelled })
            {
                _requests.WithLabels(Label(endpoint), outcome);
            }
        }

        Registry.AddBeforeCollectCallback(() =>
        {
            var snapshot = load.Snapshot(members.Version);
            queuedRequests.Set(snapshot.QueuedRequests);
            queuedPromptTokens.Set(snapshot.QueuedPromptTokens);
            version.Set(snapshot.MembershipVersion);
            lock (_instancesShown)
            {
                var now = snapshot.Assignments.ToDictionary(a => a.Id, a => a.InFlightRequests, StringComparer.Ordinal);
                foreach (var gone in _instancesShown.Where(id => !now.ContainsKey(id)).ToArray())
                {
                    _inFlight.RemoveLabelled(gone);
                    _instancesShown.Remove(gone);
                }

                foreach (var (id, requests) in now)
                {
                    _inFlight.WithLabels(id).Set(requests);
                    _instancesShown.Add(id);
                }
            }
        });
    }

    public CollectorRegistry Registry { get; }

    public void Answered(OpenAiEndpoint endpoint, string outcome) => _requests.WithLabels(Label(endpoint), outcome).Inc();

    public void FirstToken(OpenAiEndpoint endpoint, TimeSpan sinceArrival) => _firstToken.WithLabels(Label(endpoint)).Observe(sinceArrival.TotalSeconds);

    public void NextToken(OpenAiEndpoint endpoint, TimeSpan gap) => _interToken.WithLabels(Label(endpoint)).Observe(gap.TotalSeconds);

    public void Retried() => _retries.Inc();

    /// <summary>The outcome label of an error the router answered.</summary>
    public static string OutcomeOf(OpenAiError error) => error.StatusCode switch
    {
        404 => Outcomes.ModelNotFound,
        503 => Outcomes.Unavailable,
        >= 400 and < 500 => Outcomes.InvalidRequest,
        _ => Outcomes.UpstreamError,
    };

    private static string Label(OpenAiEndpoint endpoint) => endpoint == OpenAiEndpoint.ChatCompletions ? "chat_completions" : "completions";
}
