using System.Diagnostics;
using Tandem.Runtime.Metrics;

namespace Tandem.Runtime.Client;

/// <summary>
/// Counts and times every API server request under client-go's names (<c>rest_client_requests_total{code,method,host}</c>,
/// <c>rest_client_request_duration_seconds{verb,host}</c>), which dashboards for controllers expect. Watches are counted
/// when their response headers arrive.
/// </summary>
public sealed class RestClientMetricsHandler(RuntimeMetrics metrics) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var host = request.RequestUri?.Authority ?? "";
        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            metrics.RestRequests.WithLabels(((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture), request.Method.Method, host).Inc();
            return response;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            // client-go labels a request that got no answer with code "<error>".
            metrics.RestRequests.WithLabels("<error>", request.Method.Method, host).Inc();
            throw;
        }
        finally
        {
            metrics.RestLatency.WithLabels(request.Method.Method, host).Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }
}
