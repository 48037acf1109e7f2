using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Tandem.Emulator.Storage;

namespace Tandem.Emulator.Http;

/// <summary>
/// Serves `as=Table` (meta.k8s.io/v1 Table) for kubectl: a CRD's additionalPrinterColumns, or a default per built-in kind.
/// </summary>
public sealed class TableConverter(TimeProvider time)
{
    private static readonly PrinterColumn NameColumn = new("Name", "string", ".metadata.name", "Name must be unique within a namespace.", 0, "name");
    private static readonly PrinterColumn AgeColumn = new("Age", "date", ".metadata.creationTimestamp", "CreationTimestamp is a timestamp representing the server time when this object was created.");

    public static bool WantsTable(HttpContext ctx) => ctx.Request.Headers.Accept.ToString().Contains("as=Table", StringComparison.Ordinal);

    public JsonObject ToTable(ResourceType t, IEnumerable<JsonObject> items, long revision, string? continueToken, HttpContext ctx)
    {
        var columns = ColumnsFor(t);
        var include = QueryOptions.Str(ctx, "includeObject") ?? "Metadata";
        var defs = new JsonArray();
        foreach (var c in columns)
            defs.Add(new JsonObject { ["name"] = c.Name, ["type"] = c.Type, ["format"] = c.Format, ["description"] = c.Description, ["priority"] = c.Priority });
        var rows = new JsonArray();
        foreach (var item in items) rows.Add(Row(t, columns, item, include));
        var meta = new JsonObject { ["resourceVersion"] = revision.ToString(CultureInfo.InvariantCulture) };
        if (continueToken is not null) meta["continue"] = continueToken;
        return new JsonObject { ["kind"] = "Table", ["apiVersion"] = "meta.k8s.io/v1", ["metadata"] = meta, ["columnDefinitions"] = defs, ["rows"] = rows };
    }

    public IReadOnlyList<PrinterColumn> ColumnsFor(ResourceType t)
    {
        if (t.IsCustom)
        {
            if (t.PrinterColumns.Count == 0) return [NameColumn, AgeColumn];
            return [NameColumn, .. t.PrinterColumns];
        }
        return t.Kind switch
        {
            "Pod" => [NameColumn, new("Ready", "string", "$ready", "The aggregate readiness state of this pod for accepting traffic."),
                new("Status", "string", "$podStatus", "The aggregate status of the containers in this pod."),
                new("Restarts", "string", "$restarts", "The number of times the containers in this pod have been restarted."), AgeColumn,
                new("IP", "string", ".status.podIP", "IP address allocated to the pod.", 1), new("Node", "string", ".spec.nodeName", "Name of the node.", 1)],
            "Namespace" => [NameColumn, new("Status", "string", ".status.phase", "The status of the namespace"), AgeColumn],
            "Node" => [NameColumn, new("Status", "string", "$nodeReady", "The status of the node"), AgeColumn],
            "Deployment" => [NameColumn, new("Ready", "string", "$deployReady", "Number of the pod with ready state"),
                new("Up-to-date", "integer", ".status.updatedReplicas", "Total number of non-terminated pods targeted by this deployment that have the desired template spec."),
                new("Available", "integer", ".status.availableReplicas", "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment."), AgeColumn],
            "Service" => [NameColumn, new("Type", "string", ".spec.type", "The type of the service."), new("Cluster-IP", "string", ".spec.clusterIP", "The IP address of the service."), AgeColumn],
            "ConfigMap" => [NameColumn, new("Data", "integer", "$dataCount", "Number of data in the configmap"), AgeColumn],
            "Lease" => [NameColumn, new("Holder", "string", ".spec.holderIdentity", "The holder of the lease."), AgeColumn],
            "CustomResourceDefinition" => [NameColumn, new("Created At", "date", ".metadata.creationTimestamp", "")],
            "Event" when t.Group == "" => [new("Last Seen", "string", "$lastSeen", "Time of the last occurrence."), new("Type", "string", ".type", "Normal or Warning."),
                new("Reason", "string", ".reason", "Why the event happened."), new("Object", "string", "$involved", "The object the event is about."),
                new("Message", "string", ".message", "What happened."), NameColumn with { Priority = 1 }],
            _ => [NameColumn, AgeColumn],
        };
    }

    private JsonObject Row(ResourceType t, IReadOnlyList<PrinterColumn> columns, JsonObject item, string include)
    {
        var cells = new JsonArray();
        foreach (var c in columns) cells.Add(Cell(c, item));
        var row = new JsonObject { ["cells"] = cells };
        if (include == "Object") row["object"] = Responses.WithApiVersion(item, t.GroupVersion);
        else if (include == "Metadata")
        {
            var meta = item["metadata"]!.DeepClone().AsObject();
            meta.Remove("managedFields");
            row["object"] = new JsonObject { ["kind"] = "PartialObjectMetadata", ["apiVersion"] = "meta.k8s.io/v1", ["metadata"] = meta };
        }
        return row;
    }

    private JsonNode? Cell(PrinterColumn c, JsonObject item)
    {
        switch (c.JsonPath)
        {
            case "$ready":
                var statuses = item["status"]?["containerStatuses"] as JsonArray;
                var total = (item["spec"]?["containers"] as JsonArray)?.Count ?? 0;
                var ready = statuses?.Count(s => s?["ready"]?.GetValue<bool>() == true) ?? 0;
                return $"{ready}/{total}";
            case "$podStatus":
                return item["metadata"]?["deletionTimestamp"] is not null ? "Terminating"
                    : JsonPaths.GetString(item, ".status.reason") ?? JsonPaths.GetString(item, ".status.phase") ?? "Unknown";
            case "$restarts": return "0";
            case "$nodeReady": return "Ready";
            case "$deployReady": return $"{JsonPaths.GetString(item, ".status.readyReplicas") ?? "0"}/{JsonPaths.GetString(item, ".spec.replicas") ?? "1"}";
            case "$dataCount": return (item["data"] as JsonObject)?.Count ?? 0;
            case "$involved": return $"{JsonPaths.GetString(item, ".involvedObject.kind")?.ToLowerInvariant()}/{JsonPaths.GetString(item, ".involvedObject.name")}";
            case "$lastSeen":
                var seen = JsonPaths.GetString(item, ".lastTimestamp") ?? JsonPaths.GetString(item, ".eventTime") ?? JsonPaths.GetString(item, ".metadata.creationTimestamp");
                return DateTimeOffset.TryParse(seen, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? HumanDuration(time.GetUtcNow() - at) : "<unknown>";
        }
        var value = SimpleJsonPath.Evaluate(item, c.JsonPath);
        if (c.Type == "date" && value is JsonValue dv && dv.TryGetValue<string>(out var ds) &&
            DateTimeOffset.TryParse(ds, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when))
            return HumanDuration(time.GetUtcNow() - when);
        return value switch
        {
            null => null,
            JsonValue v => v.DeepClone(),
            _ => value.ToJsonString(),
        };
    }

    /// <summary>Kubernetes' short age format: 45s, 3m20s, 5h, 2d3h, 400d.</summary>
    public static string HumanDuration(TimeSpan d)
    {
        if (d < TimeSpan.Zero) d = TimeSpan.Zero;
        if (d.TotalSeconds < 120) return $"{(int)d.TotalSeconds}s";
        if (d.TotalMinutes < 10) return d.Seconds == 0 ? $"{(int)d.TotalMinutes}m" : $"{(int)d.TotalMinutes}m{d.Seconds}s";
        if (d.TotalHours < 3) return $"{(int)d.TotalMinutes}m";
        if (d.TotalHours < 8) return d.Minutes == 0 ? $"{(int)d.TotalHours}h" : $"{(int)d.TotalHours}h{d.Minutes}m";
        if (d.TotalHours < 48) return $"{(int)d.TotalHours}h";
        if (d.TotalDays < 8) return d.Hours == 0 ? $"{(int)d.TotalDays}d" : $"{(int)d.TotalDays}d{d.Hours}h";
        return $"{(int)d.TotalDays}d";
    }
}
