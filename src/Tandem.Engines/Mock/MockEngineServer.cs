using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tandem.Engines.OpenAi;

namespace Tandem.Engines.Mock;

/// <summary>
/// A running mock engine: OpenAI HTTP/1.1 on one port and EngineControl gRPC on another (mutual TLS when <see cref="MockEngineOptions.ControlTlsDirectory"/> is set, else h2c), both bound to
/// <see cref="MockEngineOptions.Address"/>. Used by <c>tandem engine</c> and, in-process, by the API emulator's pods.
/// </summary>
public sealed class MockEngineServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private MockEngineServer(WebApplication app, MockEngine engine, string httpAddress, string controlAddress)
    {
        _app = app;
        Engine = engine;
        HttpAddress = httpAddress;
        ControlAddress = controlAddress;
    }

    public MockEngine Engine { get; }

    /// <summary>host:port of the OpenAI endpoint.</summary>
    public string HttpAddress { get; }

    /// <summary>host:port of the EngineControl endpoint.</summary>
    public string ControlAddress { get; }

    public Uri HttpUri => new("http://" + HttpAddress);

    /// <summary>Where the mock's test switches live (<c>POST /_mock/hang</c>, <c>POST /_mock/resume</c>).</summary>
    public const string HangPath = "/_mock";

    public static async Task<MockEngineServer> StartAsync(MockEngineOptions options, CancellationToken cancel = default)
    {
        var engine = new MockEngine(options.Profile, options.Role, options.Standby, options.Time);
        var model = options.ModelName ?? options.Profile.Name;
        var builder = SlimWebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        if (options.ConsoleLogging)
        {
            builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        }

        var listener = TwoPortListener.Configure(builder, options.Address, options.HttpPort, options.ControlPort,
            options.ControlTlsDirectory is { } tls ? Security.ControlTlsFiles.Open(tls) : null);
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(engine);
        builder.Services.AddSingleton(options);
        var app = builder.Build();
        string? self = null;
        var metrics = new MockEngineMetrics(engine, model);
        var completions = new MockCompletionEndpoint(engine, metrics, model, () => self!, options.Time);
        // A hung engine answers nothing (requests wait), except the switch that resumes it.
        app.Use(async (context, next) =>
        {
            if (!context.Request.Path.StartsWithSegments(HangPath, StringComparison.Ordinal))
            {
                await engine.Hang.WhileHungAsync(context.RequestAborted).ConfigureAwait(false);
            }

            await next(context).ConfigureAwait(false);
        });
        app.MapPost(HangPath + "/hang", () => { engine.Hang.Hang(); return Results.Ok(); });
        app.MapPost(HangPath + "/resume", () => { engine.Hang.Resume(); return Results.Ok(); });
        app.MapGrpcService<MockEngineControlService>();
        app.MapPost(OpenAiEndpoints.CompletionsPath, completions.HandleCompletionsAsync);
        app.MapPost(OpenAiEndpoints.ChatCompletionsPath, completions.HandleChatAsync);
        app.MapGet("/metrics", async context =>
        {
            context.Response.ContentType = PrometheusText.ContentType;
            await context.Response.WriteAsync(metrics.Render(), context.RequestAborted).ConfigureAwait(false);
        });
        app.MapGet("/health", (HttpContext _) => Results.Ok());
        var startedAt = options.Time.GetUtcNow().ToUnixTimeSeconds();
        app.MapGet(OpenAiEndpoints.ModelsPath, () => Results.Json(new { @object = "list", data = new[] { new { id = model, @object = "model", created = startedAt, owned_by = "tandem", max_model_len = options.Profile.MaxModelLength } } }));
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

        self = listener.HttpAddress;
        return new MockEngineServer(app, engine, listener.HttpAddress, listener.ControlAddress);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        await Engine.DisposeAsync().ConfigureAwait(false);
    }
}
