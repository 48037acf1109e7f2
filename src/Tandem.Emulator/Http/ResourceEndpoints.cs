using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Tandem.Emulator.Patching;
using Tandem.Emulator.Storage;

namespace Tandem.Emulator.Http;

/// <summary>The verbs on one resource: get, list, create, update, patch, delete, deletecollection, and the scale subresource.</summary>
public sealed class ResourceEndpoints(ObjectStore store, TableConverter tables, ManagedFields managedFields)
{
    public async Task Get(HttpContext ctx, ResourceType t, string ns, string name, string subresource)
    {
        var obj = store.Get(t, ns, name) ?? throw ApiException.NotFound(t, name);
        obj["apiVersion"] = t.GroupVersion;
        if (subresource == "scale") { await Responses.WriteJson(ctx, 200, ScaleSubresource.ToScale(t, obj)); return; }
        CheckSubresource(t, subresource, allowScale: false);
        if (TableConverter.WantsTable(ctx)) { await Responses.WriteJson(ctx, 200, tables.ToTable(t, [obj], store.Revision, null, ctx)); return; }
        await Responses.WriteJson(ctx, 200, obj);
    }

    public async Task List(HttpContext ctx, ResourceType t, string? ns)
    {
        var filter = Filters.FromQuery(ctx);
        var page = store.List(t, ns, filter, QueryOptions.Long(ctx, "limit") ?? 0, QueryOptions.Str(ctx, "continue"));
        if (TableConverter.WantsTable(ctx)) { await Responses.WriteJson(ctx, 200, tables.ToTable(t, page.Items, page.Revision, page.Continue, ctx)); return; }
        await Responses.WriteList(ctx, t, page);
    }

    public async Task Create(HttpContext ctx, ResourceType t, string? ns)
    {
        var obj = await RequestBody.ReadObject(ctx);
        CheckKind(t, obj);
        var meta = JsonPaths.Metadata(obj);
        var bodyNs = JsonPaths.Str(meta, "namespace");
        if (t.Namespaced)
        {
            if (ns is null) throw ApiException.BadRequest($"{t.Kind} is namespaced: create it under /namespaces/<namespace>/{t.Plural}");
            if (!string.IsNullOrEmpty(bodyNs) && bodyNs != ns)
                throw ApiException.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
        }
        managedFields.RecordUpdate(t, null, obj, QueryOptions.FieldManager(ctx));
        var dryRun = QueryOptions.DryRun(ctx);
        var created = store.Create(t, ns ?? "", obj, dryRun);
        await Responses.WriteJson(ctx, 201, created);
    }

    public async Task Replace(HttpContext ctx, ResourceType t, string ns, string name, string subresource)
    {
        var body = await RequestBody.ReadObject(ctx);
        var dryRun = QueryOptions.DryRun(ctx);
        var manager = QueryOptions.FieldManager(ctx);
        if (subresource == "scale")
        {
            var r = ScaleSubresource.Update(store, t, ns, name, _ => body, dryRun, (old, next) => managedFields.RecordUpdate(t, old, next, manager, "scale"));
            await Responses.WriteJson(ctx, 200, r);
            return;
        }
        CheckSubresource(t, subresource, allowScale: false);
        CheckKind(t, body);
        var result = store.Update(t, ns, name, current =>
        {
            if (current is null) throw ApiException.NotFound(t, name);
            if (string.IsNullOrEmpty(JsonPaths.Str(JsonPaths.Metadata(body), "resourceVersion")) && !AllowsUnconditionalUpdate(t))
                throw new ApiException(422, "Invalid", $"{t.Kind} \"{name}\" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update");
            managedFields.RecordUpdate(t, current, body, manager, subresource);
            return body;
        }, subresource, dryRun);
        await Responses.WriteJson(ctx, 200, result.Object);
    }

    public async Task Patch(HttpContext ctx, ResourceType t, string ns, string name, string subresource)
    {
        var contentType = ctx.Request.ContentType ?? "";
        var text = await RequestBody.ReadText(ctx);
        var patch = RequestBody.Parse(text, contentType) ?? throw ApiException.BadRequest("the patch body is empty");
        var dryRun = QueryOptions.DryRun(ctx);
        var manager = QueryOptions.FieldManager(ctx);
        var force = QueryOptions.Bool(ctx, "force");
        var isApply = contentType.StartsWith("application/apply-patch", StringComparison.Ordinal);
        if (subresource == "scale")
        {
            var r = ScaleSubresource.Update(store, t, ns, name, scale => PatchTypes.Apply(t, scale, contentType, patch), dryRun,
                (old, next) => managedFields.RecordUpdate(t, old, next, manager, "scale"));
            await Responses.WriteJson(ctx, 200, r);
            return;
        }
        CheckSubresource(t, subresource, allowScale: false);
        var result = store.Update(t, ns, name, current =>
        {
            if (isApply)
            {
                if (patch is not JsonObject applied) throw ApiException.BadRequest("an apply patch must be an object");
                CheckKind(t, applied);
                var appliedName = JsonPaths.Str(applied["metadata"] as JsonObject, "name");
                if (appliedName != name) throw ApiException.BadRequest($"metadata.name: Invalid value: \"{appliedName}\": the name of the applied object must match the URL ({name})");
                return managedFields.Apply(t, current, applied, manager, force, subresource);
            }
            if (current is null) throw ApiException.NotFound(t, name);
            var next = PatchTypes.Apply(t, current, contentType, patch);
            managedFields.RecordUpdate(t, current, next, manager, subresource);
            return next;
        }, subresource, dryRun);
        await Responses.WriteJson(ctx, result.Created ? 201 : 200, result.Object);
    }

    public async Task Delete(HttpContext ctx, ResourceType t, string ns, string name)
    {
        var request = await DeleteOptions.Read(ctx);
        var result = store.Delete(t, ns, name, request);
        // Like the apiserver, most built-ins answer an immediate delete with a Status, pods and custom resources with the object.
        if (result.Deleted && !t.IsCustom && t.Kind is not ("Pod" or "Namespace" or "CustomResourceDefinition"))
            await Responses.WriteJson(ctx, 200, Responses.Success(t, result.Object));
        else
            await Responses.WriteJson(ctx, 200, result.Object);
    }

    public async Task DeleteCollection(HttpContext ctx, ResourceType t, string? ns)
    {
        var request = await DeleteOptions.Read(ctx);
        var filter = Filters.FromQuery(ctx);
        var page = store.List(t, ns, filter);
        var items = new JsonArray();
        foreach (var obj in page.Items)
        {
            var meta = (JsonObject)obj["metadata"]!;
            try { items.Add(store.Delete(t, JsonPaths.Str(meta, "namespace") ?? "", JsonPaths.Str(meta, "name")!, request).Object); }
            catch (ApiException e) when (e.Code == 404) { }
        }
        await Responses.WriteJson(ctx, 200, new JsonObject
        {
            ["kind"] = t.Kind + "List", ["apiVersion"] = t.GroupVersion,
            ["metadata"] = new JsonObject { ["resourceVersion"] = store.Revision.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            ["items"] = items,
        });
    }

    private static bool AllowsUnconditionalUpdate(ResourceType t) => !t.IsCustom;

    private static void CheckSubresource(ResourceType t, string subresource, bool allowScale)
    {
        if (subresource.Length == 0) return;
        if (subresource == "status" && t.HasStatus) return;
        if (subresource == "scale" && allowScale && t.Scale is not null) return;
        throw new ApiException(404, "NotFound", "the server could not find the requested resource");
    }

    private static void CheckKind(ResourceType t, JsonObject obj)
    {
        var kind = JsonPaths.Str(obj, "kind");
        if (!string.IsNullOrEmpty(kind) && kind != t.Kind)
            throw ApiException.BadRequest($"kind: Invalid value: \"{kind}\": the body's kind does not match the URL's resource {t.QualifiedName} (kind {t.Kind})");
        var apiVersion = JsonPaths.Str(obj, "apiVersion");
        if (!string.IsNullOrEmpty(apiVersion) && apiVersion != t.GroupVersion && ResourceRegistry.SplitApiVersion(apiVersion).Group != t.Group)
            throw ApiException.BadRequest($"apiVersion: Invalid value: \"{apiVersion}\": the body's apiVersion does not match the URL's group-version {t.GroupVersion}");
    }
}
