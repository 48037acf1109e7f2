namespace Tandem.Engines;

/// <summary>The Prometheus text exposition format the engine's and the router's <c>/metrics</c> answer in.</summary>
public static class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";
}
