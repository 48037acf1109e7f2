using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Tandem.Emulator.Selectors;
using Tandem.Emulator.Storage;

namespace Tandem.Emulator.Http;

/// <summary>Builds the object filter of a list or watch from its labelSelector and fieldSelector parameters.</summary>
public static class Filters
{
    public static Func<JsonObject, bool> FromQuery(HttpContext ctx, string? name = null, ResourceType? type = null)
    {
        var labels = LabelSelector.Parse(QueryOptions.Str(ctx, "labelSelector"));
        var fieldText = QueryOptions.Str(ctx, "fieldSelector");
        if (type?.StorageType is not null && type.Group == "events.k8s.io") fieldText = EventConversion.ToCoreSelector(fieldText);
        var fields = FieldSelector.Parse(fieldText);
        return o => labels.Matches(o) && fields.Matches(o) && (name is null || o["metadata"]?["name"]?.GetValue<string>() == name);
    }
}
