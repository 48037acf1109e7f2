using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Tandem.Emulator.Selectors;

namespace Tandem.Emulator.Http;

/// <summary>Builds the object filter of a list or watch from its labelSelector and fieldSelector parameters.</summary>
public static class Filters
{
    public static Func<JsonObject, bool> FromQuery(HttpContext ctx, string? name = null)
    {
        var labels = LabelSelector.Parse(QueryOptions.Str(ctx, "labelSelector"));
        var fields = FieldSelector.Parse(QueryOptions.Str(ctx, "fieldSelector"));
        return o => labels.Matches(o) && fields.Matches(o) && (name is null || o["metadata"]?["name"]?.GetValue<string>() == name);
    }
}
