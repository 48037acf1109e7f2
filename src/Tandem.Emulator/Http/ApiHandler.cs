using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Tandem.Emulator.Discovery;
using Tandem.Emulator.Faults;
using Tandem.Emulator.Storage;
using Tandem.Emulator.Watch;

namespace Tandem.Emulator.Http;

/// <summary>The single request entry point: fault injection, then discovery or a resource verb by path and method.</summary>
public sealed class ApiHandler(ResourceRegistry registry, ResourceEndpoints endpoints, WatchEndpoint watch, DiscoveryDocuments discovery, OpenApiDocuments openApi,
    EmulatorFaults faults, TimeProvider time, Func<string> serverAddress, ILogger logger, RequestStats stats)
{
    private readonly FaultAdminEndpoint admin = new(faults);

    public async Task Handle(HttpContext ctx)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var verb = "other";
        try
        {
            if (FaultAdminEndpoint.Serves(ctx.Request.Path))
            {
                await admin.Handle(ctx);
                return;
            }

            var path = ApiPath.Parse(ctx.Request.Path.Value ?? "/");
            if (faults.Take(Target(ctx, path)) is { } injected)
            {
                if (injected.Delay > TimeSpan.Zero) await Task.Delay(injected.Delay, time, ctx.RequestAborted);
                if (injected.Status is { } status)
                {
                    if (injected.RetryAfterSeconds is { } after) ctx.Response.Headers.RetryAfter = after.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    throw EmulatorFaults.Error(status);
                }
            }

            var fieldValidation = QueryOptions.Str(ctx, "fieldValidation");
            if (fieldValidation is not (null or "Strict" or "Warn" or "Ignore"))
                throw ApiException.BadRequest($"fieldValidation: Unsupported value: \"{fieldValidation}\": supported values: \"Ignore\", \"Warn\", \"Strict\"");
            RequestContext.FieldValidation = fieldValidation;
            var watching = path.Kind == ApiPathKind.Resource && (path.LegacyWatch || QueryOptions.Bool(ctx, "watch"));
            verb = path.Kind == ApiPathKind.Resource ? RequestStats.Verb(ctx.Request.Method, path.Name is not null, watching) : "discovery";
            if (watching)
            {
                // A watch runs until it ends; its handler time is the setup only.
                stats.Record(verb, started);
                verb = "";
            }

            await Dispatch(ctx, path);
        }
        catch (ApiException e)
        {
            logger.LogDebug("{Method} {Path}: {Code} {Reason} {Message}", ctx.Request.Method, ctx.Request.Path, e.Code, e.Reason, e.Message);
            if (ctx.Response.HasStarted) return;
            if (e.Code == 429 && ctx.Response.Headers.RetryAfter.Count == 0) ctx.Response.Headers.RetryAfter = "1";
            await Responses.WriteError(ctx, e);
        }
        catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested) { }
        catch (Exception e) when (!ctx.Response.HasStarted)
        {
            logger.LogError(e, "{Method} {Path} failed", ctx.Request.Method, ctx.Request.Path);
            await Responses.WriteError(ctx, new ApiException(500, "InternalError", $"an error on the server (\"{e.Message}\") has prevented the request from succeeding"));
        }
        finally
        {
            if (verb.Length > 0) stats.Record(verb, started);
        }
    }

    private Task Dispatch(HttpContext ctx, ApiPath p)
    {
        var get = HttpMethods.IsGet(ctx.Request.Method);
        switch (p.Kind)
        {
            case ApiPathKind.Version when get: return Responses.WriteJson(ctx, 200, DiscoveryDocuments.Version());
            case ApiPathKind.CoreVersions when get: return Responses.WriteJson(ctx, 200, DiscoveryDocuments.CoreVersions(serverAddress()));
            case ApiPathKind.GroupList when get: return Responses.WriteJson(ctx, 200, discovery.GroupList());
            case ApiPathKind.Group when get: return Responses.WriteJson(ctx, 200, discovery.Group(p.Group) ?? throw NotFoundPath());
            case ApiPathKind.ResourceList when get: return Responses.WriteJson(ctx, 200, discovery.ResourceList(p.Group, p.Version) ?? throw NotFoundPath());
            case ApiPathKind.Resource: return DispatchResource(ctx, p);
            case ApiPathKind.OpenApi when get: return ServeOpenApi(ctx);
            case ApiPathKind.Health when get:
                ctx.Response.ContentType = "text/plain; charset=utf-8";
                return ctx.Response.WriteAsync("ok", ctx.RequestAborted);
            default: throw NotFoundPath();
        }
    }

    private Task DispatchResource(HttpContext ctx, ApiPath p)
    {
        var t = registry.Find(p.Group, p.Version, p.Resource) ?? throw NotFoundPath();
        if (!t.Namespaced && p.Namespace is not null) throw NotFoundPath();
        if (t.Namespaced && p.Namespace is null && p.Name is not null) throw NotFoundPath();
        var ns = t.Namespaced ? p.Namespace : "";
        var method = ctx.Request.Method;
        bool isWatch = p.LegacyWatch || QueryOptions.Bool(ctx, "watch");
        if (p.Name is null)
        {
            if (HttpMethods.IsGet(method)) return isWatch ? watch.Serve(ctx, t, ns, null) : endpoints.List(ctx, t, ns);
            if (HttpMethods.IsPost(method)) return endpoints.Create(ctx, t, ns);
            if (HttpMethods.IsDelete(method)) return endpoints.DeleteCollection(ctx, t, ns);
            throw ApiException.MethodNotSupported($"the server does not allow this method on the requested resource");
        }
        if (HttpMethods.IsGet(method)) return isWatch ? watch.Serve(ctx, t, ns, p.Name) : endpoints.Get(ctx, t, ns!, p.Name, p.Subresource);
        if (HttpMethods.IsPut(method)) return endpoints.Replace(ctx, t, ns!, p.Name, p.Subresource);
        if (HttpMethods.IsPatch(method)) return endpoints.Patch(ctx, t, ns!, p.Name, p.Subresource);
        if (HttpMethods.IsDelete(method) && p.Subresource.Length == 0) return endpoints.Delete(ctx, t, ns!, p.Name);
        throw ApiException.MethodNotSupported("the server does not allow this method on the requested resource");
    }

    private Task ServeOpenApi(HttpContext ctx)
    {
        var path = ctx.Request.Path.Value ?? "";
        // Only v3 is served; kubectl falls back from v2 to v3 and needs nothing more.
        if (path.TrimEnd('/') == "/openapi/v3") return Responses.WriteJson(ctx, 200, openApi.Index());
        if (path.StartsWith("/openapi/v3/", StringComparison.Ordinal))
            return Responses.WriteJson(ctx, 200, openApi.GroupVersion(path["/openapi/v3/".Length..]) ?? throw NotFoundPath());
        throw NotFoundPath();
    }

    /// <summary>The request as fault rules see it: its Kubernetes verb and resource.</summary>
    private static FaultTarget Target(HttpContext ctx, ApiPath p)
    {
        var method = ctx.Request.Method;
        var collection = p.Name is null;
        var verb = method switch
        {
            _ when HttpMethods.IsGet(method) => p.LegacyWatch || QueryOptions.Bool(ctx, "watch") ? "watch" : collection ? "list" : "get",
            _ when HttpMethods.IsPost(method) => "create",
            _ when HttpMethods.IsPut(method) => "update",
            _ when HttpMethods.IsPatch(method) => "patch",
            _ when HttpMethods.IsDelete(method) => collection ? "deletecollection" : "delete",
            _ => method.ToLowerInvariant(),
        };
        return new FaultTarget(method, verb, p.Kind == ApiPathKind.Resource ? p.Resource : null, (ctx.Request.Path.Value ?? "") + ctx.Request.QueryString.Value);
    }

    private static ApiException NotFoundPath() => new(404, "NotFound", "the server could not find the requested resource");
}
