using System.Globalization;
using Microsoft.AspNetCore.Http;
using Tandem.Emulator.Storage;

namespace Tandem.Emulator.Http;

/// <summary>Typed access to the apiserver's query parameters, with errors that name the parameter.</summary>
public static class QueryOptions
{
    public static string? Str(HttpContext ctx, string name) =>
        ctx.Request.Query.TryGetValue(name, out var v) && !string.IsNullOrEmpty(v.ToString()) ? v.ToString() : null;

    public static bool Bool(HttpContext ctx, string name) =>
        Str(ctx, name) is { } v && (v == "1" || v.Equals("true", StringComparison.OrdinalIgnoreCase));

    public static long? Long(HttpContext ctx, string name)
    {
        var v = Str(ctx, name);
        if (v is null) return null;
        return long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)
            ? n : throw ApiException.BadRequest($"{name}: invalid value \"{v}\": must be an integer");
    }

    public static bool DryRun(HttpContext ctx)
    {
        var values = ctx.Request.Query["dryRun"];
        foreach (var v in values)
        {
            if (v == "All") return true;
            if (!string.IsNullOrEmpty(v)) throw ApiException.BadRequest($"dryRun: Unsupported value: \"{v}\": supported values: \"All\"");
        }
        return false;
    }

    /// <summary>The field manager: the parameter, else the user agent's program name, as the apiserver does.</summary>
    public static string FieldManager(HttpContext ctx)
    {
        if (Str(ctx, "fieldManager") is { } m)
        {
            if (m.Length > 128) throw ApiException.BadRequest("fieldManager: Invalid value: must not be longer than 128 characters");
            return m;
        }
        var ua = ctx.Request.Headers.UserAgent.ToString();
        var slash = ua.IndexOf('/');
        return slash > 0 ? ua[..slash] : ua.Length > 0 ? ua : "unknown";
    }

    public static long? ResourceVersion(HttpContext ctx)
    {
        var v = Str(ctx, "resourceVersion");
        if (v is null || v == "0") return null;
        return long.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n : throw ApiException.BadRequest($"resourceVersion: invalid value \"{v}\": must be a resourceVersion returned by the server");
    }
}
