using System.Text.Json.Nodes;

namespace Tandem.Emulator.Storage;

/// <summary>
/// events.k8s.io/v1 Events are stored as core/v1 Events, as in the apiserver, so `kubectl describe` (which reads core
/// events) shows what controllers record through events.k8s.io. These map the fields both ways.
/// </summary>
public static class EventConversion
{
    private static readonly (string Events, string Core)[] Renames =
    [
        ("regarding", "involvedObject"), ("note", "message"), ("reportingController", "reportingComponent"),
        ("deprecatedSource", "source"), ("deprecatedFirstTimestamp", "firstTimestamp"), ("deprecatedLastTimestamp", "lastTimestamp"),
        ("deprecatedCount", "count"),
    ];

    private static readonly string[] Same = ["metadata", "reason", "type", "action", "eventTime", "series", "related", "reportingInstance"];

    /// <summary>An events.k8s.io/v1 Event in its core/v1 storage form.</summary>
    public static JsonObject ToCore(JsonObject ev)
    {
        var core = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Event" };
        foreach (var key in Same) if (ev[key] is { } v) core[key] = v.DeepClone();
        foreach (var (events, c) in Renames) if (ev[events] is { } v) core[c] = v.DeepClone();
        return core;
    }

    /// <summary>A stored core/v1 Event as events.k8s.io/v1.</summary>
    public static JsonObject FromCore(JsonObject core)
    {
        var ev = new JsonObject { ["apiVersion"] = "events.k8s.io/v1", ["kind"] = "Event" };
        foreach (var key in Same) if (core[key] is { } v) ev[key] = v.DeepClone();
        foreach (var (events, c) in Renames) if (core[c] is { } v) ev[events] = v.DeepClone();
        return ev;
    }

    /// <summary>Field selectors on events.k8s.io names map to the stored core names.</summary>
    public static string? ToCoreSelector(string? selector) =>
        selector?.Replace("regarding.", "involvedObject.", StringComparison.Ordinal).Replace("reportingController", "reportingComponent", StringComparison.Ordinal);
}
