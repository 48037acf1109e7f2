using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using Tandem.Engines.Clients;
using Tandem.Engines.OpenAi;
using Tandem.Scaling.Lifecycle;

namespace Tandem.Engines.Mock.Vllm;

/// <summary>
/// The mock engine with vLLM's personality: one HTTP port with vLLM's OpenAI server routes, metric names and sleep
/// surface, over the same timing model as Tandem's mock. It follows vLLM's source: the dev-mode sleep router
/// (vllm/entrypoints/serve/sleep/api_router.py, commit 09cb327f: POST /sleep?level= and /wake_up answer an empty 200,
/// GET /is_sleeping answers {"is_sleeping": bool}, all mounted only with VLLM_SERVER_DEV_MODE=1, else FastAPI's 404
/// {"detail":"Not Found"}), /health (empty 200), /metrics (vllm:* gauges, counters and histograms, plus
/// vllm:cache_config_info with num_gpu_blocks), and the NixlConnector's kv_transfer_params on the prefill leg
/// (tests/v1/kv_connector/nixl_integration/toy_proxy_server.py, commit 030ea52e). It starts awake with its weights
/// loaded, serving both phases (kv_both). Where it simplifies: sleep waits for running requests instead of aborting
/// them (vLLM's default mode=abort; Tandem drains before it sleeps, so it never sleeps a busy engine), and after level 2
/// wake_up reloads the weights itself, so /collective_rpc reload_weights only acknowledges.
/// </summary>
public sealed class VllmMockServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly object _gate = new();
    private int _sleepLevel;
    private int _weightReloads;

    private VllmMockServer(WebApplication app, MockEngine engine)
    {
        _app = app;
        Engine = engine;
    }

    /// <summary>The timing model behind the HTTP surface.</summary>
    public MockEngine Engine { get; }

    /// <summary>host:port the server listens on.</summary>
    public string Address { get; private set; } = "";

    /// <summary>How many times /collective_rpc reload_weights was called (what a level-2 wake needs in vLLM).</summary>
    public int WeightReloads => Volatile.Read(ref _weightReloads);

    /// <summary>0 when awake, else the level it was put to sleep with.</summary>
    public int SleepLevel
    {
        get
        {
            lock (_gate)
            {
                return _sleepLevel;
            }
        }
    }

    /// <summary>Starts a vLLM-faithful mock on <paramref name="address"/>:<paramref name="port"/>; <paramref name="devMode"/> is VLLM_SERVER_DEV_MODE.</summary>
    public static async Task<VllmMockServer> StartAsync(IPAddress address, int port, MockEngineProfile profile, string model, bool devMode, TimeProvider? time = null, CancellationToken cancel = default)
    {
        time ??= TimeProvider.System;
        var engine = new MockEngine(profile, role: null, standby: false, time);
        var builder = SlimWebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        ListenOptions? bound = null;
        builder.WebHost.ConfigureKestrel(k => k.Listen(address, port, o => { o.Protocols = HttpProtocols.Http1; bound = o; }));
        var app = builder.Build();
        var server = new VllmMockServer(app, engine);
        var metrics = new MockEngineMetrics(engine, model);
        var completions = new MockCompletionEndpoint(engine, metrics, model, () => server.Address, time);
        app.MapPost(OpenAiEndpoints.CompletionsPath, completions.HandleCompletionsAsync);
        app.MapPost(OpenAiEndpoints.ChatCompletionsPath, completions.HandleChatAsync);
        app.MapGet("/health", () => Results.Ok());
        app.MapGet(OpenAiEndpoints.ModelsPath, () => Results.Json(new { @object = "list", data = new[] { new { id = model, @object = "model", owned_by = "vllm", max_model_len = profile.MaxModelLength } } }));
        app.MapGet("/metrics", async context =>
        {
            context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await context.Response.WriteAsync(metrics.Render(tandemExtras: false) + CacheConfigInfo(profile, model), context.RequestAborted).ConfigureAwait(false);
        });
        if (devMode)
        {
            app.MapPost("/sleep", (Delegate)server.SleepAsync);
            app.MapPost("/wake_up", (Delegate)server.WakeUpAsync);
            app.MapGet("/is_sleeping", () => Results.Json(new { is_sleeping = server.SleepLevel > 0 }));
            app.MapPost("/collective_rpc", (Delegate)server.CollectiveRpcAsync);
        }

        // FastAPI's answer to a route that is not mounted.
        app.MapFallback(() => Results.Json(new { detail = "Not Found" }, statusCode: 404));
        try
        {
            await app.StartAsync(cancel).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            await engine.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        server.Address = TwoPortListener.Format(address, bound!.IPEndPoint!.Port);
        return server;
    }

    private async Task<IResult> SleepAsync(HttpContext context)
    {
        if (!int.TryParse(context.Request.Query["level"].FirstOrDefault() ?? "1", NumberStyles.Integer, CultureInfo.InvariantCulture, out var level) || level is < 1 or > 2)
        {
            // vLLM's engine core raises on a level it does not know; FastAPI turns it into a 500.
            return Results.Text("Internal Server Error", statusCode: 500);
        }

        if (SleepLevel > 0)
        {
            return Results.Ok();
        }

        // Stop intake and wait for held requests (vLLM's awaited sleep returns once the engine core slept).
        Engine.Drain();
        await WaitForAsync(s => s == InstanceState.Warm, context.RequestAborted).ConfigureAwait(false);
        Engine.Unload();
        lock (_gate)
        {
            _sleepLevel = level;
        }

        return Results.Ok();
    }

    private async Task<IResult> WakeUpAsync(HttpContext context)
    {
        int level;
        lock (_gate)
        {
            level = _sleepLevel;
        }

        if (level == 0)
        {
            return Results.Ok();
        }

        // Level 1 kept the weights in host memory; level 2 discarded them (the mock reloads them here).
        Engine.Activate(null, level == 1 ? WeightSources.HostCache() : WeightSources.Storage());
        await WaitForAsync(s => s == InstanceState.Active, context.RequestAborted).ConfigureAwait(false);
        lock (_gate)
        {
            _sleepLevel = 0;
        }

        return Results.Ok();
    }

    private async Task<IResult> CollectiveRpcAsync(HttpContext context)
    {
        var body = JsonNode.Parse(await MockCompletionEndpoint.ReadBodyAsync(context.Request, context.RequestAborted).ConfigureAwait(false));
        if (body?["method"]?.GetValue<string>() is "reload_weights")
        {
            Interlocked.Increment(ref _weightReloads);
            return Results.Json(new { results = new object?[] { null } });
        }

        return Results.Json(new { error = new { message = "the vLLM mock only answers collective_rpc reload_weights", type = "BadRequestError", param = (string?)null, code = 400 } }, statusCode: 400);
    }

    private async Task WaitForAsync(Func<InstanceState, bool> reached, CancellationToken cancel)
    {
        await foreach (var _ in Engine.WatchAsync(TimeSpan.FromMilliseconds(200), cancel).ConfigureAwait(false))
        {
            if (reached(Engine.State))
            {
                return;
            }
        }
    }

    private static string CacheConfigInfo(MockEngineProfile profile, string model) =>
        "# HELP vllm:cache_config_info Information of the LLMEngine CacheConfig\n# TYPE vllm:cache_config_info gauge\n"
        + $"vllm:cache_config_info{{block_size=\"{profile.KvBlockTokens}\",model_name=\"{model}\",num_gpu_blocks=\"{profile.KvCacheBlocks}\"}} 1.0\n";

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        await Engine.DisposeAsync().ConfigureAwait(false);
    }
}
