using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tandem.Engines.Mock;
using Tandem.Engines.OpenAi;

namespace Tandem.Engines.Router;

/// <summary>
/// A running P/D router: OpenAI HTTP/1.1 (<c>/v1/completions</c>, <c>/v1/chat/completions</c>, <c>/v1/models</c>,
/// <c>/health</c>, <c>/metrics</c>) on one port and RouterControl gRPC
/// on another (mutual TLS with the operator when <see cref="RouterOptions.ControlTlsDirectory"/> is set, else h2c). Used by <c>tandem router</c>, the demo and tests.
/// </summary>
public sealed class RouterServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _engines;

    private RouterServer(WebApplication app, HttpClient engines, MembershipTable members, RouterLoadTracker load, string http, string control)
    {
        _app = app;
        _engines = engines;
        Members = members;
        Load = load;
        HttpAddress = http;
        ControlAddress = control;
    }

    public MembershipTable Members { get; }

    public RouterLoadTracker Load { get; }

    public string HttpAddress { get; }

    public string ControlAddress { get; }

    public Uri HttpUri => new("http://" + HttpAddress);

    public static async Task<RouterServer> StartAsync(RouterOptions options, CancellationToken cancel = default)
    {
        var members = new MembershipTable();
        if (options.StaticMembers.Count > 0)
        {
            members.TryApply(0, options.StaticMembers);
        }

        var load = new RouterLoadTracker(options.Time);
        var builder = SlimWebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        if (options.ConsoleLogging)
        {
            builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Information);
            builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        }

        var listener = TwoPortListener.Configure(builder, options.Address, options.HttpPort, options.ControlPort, ControlTls(options.ControlTlsDirectory));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(members);
        builder.Services.AddSingleton(load);
        builder.Services.AddSingleton(options);
        var app = builder.Build();
        var engines = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = int.MaxValue,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
        })
        {
            // Streams last as long as generation does; the queue timeout and client aborts bound a request instead.
            Timeout = Timeout.InfiniteTimeSpan,
        };
        var decodePolicy = options.Policy == SelectionPolicy.Prefix ? SelectionPolicy.LeastLoaded : options.Policy;
        var models = new ModelCatalog(members, engines, options.Time);
        var metrics = new RouterMetrics(load, members);
        var dispatcher = new RouterDispatcher(
            members,
            load,
            new InstanceSelector(options.Policy, options.Seed),
            new InstanceSelector(decodePolicy, options.Seed is { } s ? s + 1 : null),
            engines,
            models,
            metrics,
            options,
            app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Tandem.Router"));
        app.MapGrpcService<RouterControlService>();
        app.MapPost(OpenAiEndpoints.CompletionsPath, context => dispatcher.HandleAsync(context, OpenAiEndpoint.Completions));
        app.MapPost(OpenAiEndpoints.ChatCompletionsPath, context => dispatcher.HandleAsync(context, OpenAiEndpoint.ChatCompletions));
        app.MapGet(OpenAiEndpoints.ModelsPath, async context =>
            await Results.Json(new { @object = "list", data = await models.ModelsAsync(context.RequestAborted).ConfigureAwait(false) }).ExecuteAsync(context).ConfigureAwait(false));
        app.MapGet("/health", (HttpContext _) => Results.Ok());
        app.MapGet("/metrics", async context =>
        {
            context.Response.ContentType = PrometheusText.ContentType;
            await metrics.Registry.CollectAndExportAsTextAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
        });
        try
        {
            await app.StartAsync(cancel).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            engines.Dispose();
            throw;
        }

        return new RouterServer(app, engines, members, load, listener.HttpAddress, listener.ControlAddress);
    }

    private static Security.ControlTlsFiles? ControlTls(string? directory) => directory is null ? null : Security.ControlTlsFiles.Open(directory);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _engines.Dispose();
    }
}
