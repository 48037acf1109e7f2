namespace Tandem.Api.V1Alpha1;

/// <summary>
/// The ports Tandem's engines and router listen on unless told otherwise: one source for the CRD defaults, the pods
/// the operator builds, the mock engine, the router and the <c>tandem</c> command line.
/// </summary>
public static class DefaultPorts
{
    /// <summary>An engine's OpenAI-compatible HTTP API (vLLM's default), also serving <c>/metrics</c>.</summary>
    public const int EngineHttp = 8000;

    /// <summary>An engine's EngineControl gRPC endpoint.</summary>
    public const int EngineControl = 9000;

    /// <summary>An engine's KV-transfer handshake port (vLLM's NIXL side channel, VLLM_NIXL_SIDE_CHANNEL_PORT's default).</summary>
    public const int KvSideChannel = 5600;

    /// <summary>The router's OpenAI-compatible HTTP API.</summary>
    public const int RouterHttp = 11236;

    /// <summary>The router's RouterControl gRPC endpoint (membership and load).</summary>
    public const int RouterControl = 11237;
}
