namespace Tandem.Engines.Load;

/// <summary>How a load run behaves: the endpoint, bounded concurrency and duration.</summary>
public sealed record LoadOptions
{
    /// <summary>Base URL of an OpenAI-compatible server (router, mock engine or vLLM), e.g. http://127.0.0.1:11236/.</summary>
    public required Uri Url { get; init; }

    /// <summary>Requests in flight at most; a request that finds no slot waits and its wait counts in its latency.</summary>
    public int Concurrency { get; init; } = 256;

    /// <summary>Stop sending new requests after this long (requests in flight finish); null sends the whole plan.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>The <c>model</c> field sent (vLLM requires the served model name); null omits it.</summary>
    public string? Model { get; init; }

    /// <summary>A request taking longer than this fails (bounds a run against a stuck server).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromMinutes(10);

    public TimeProvider Time { get; init; } = TimeProvider.System;
}
