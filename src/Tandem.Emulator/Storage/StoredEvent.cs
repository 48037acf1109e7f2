using System.Text.Json.Nodes;

namespace Tandem.Emulator.Storage;

/// <summary>One change in the store's history: the object after the change and, for filtered watches, before it.</summary>
public sealed record StoredEvent(string Type, string StorageKey, string Namespace, long Revision, JsonObject Object, JsonObject? Previous)
{
    public const string Added = "ADDED";
    public const string Modified = "MODIFIED";
    public const string Deleted = "DELETED";
}

/// <summary>What a store write is doing, for hooks (defaulting, validation, CRD registration).</summary>
public enum WriteOperation { Create, Update, Delete }

/// <summary>A write in flight: hooks may change <see cref="Object"/> or throw an <see cref="ApiException"/>.</summary>
public sealed class WriteContext(ResourceType type, WriteOperation operation, JsonObject? old, JsonObject obj, string subresource, bool dryRun)
{
    public ResourceType Type { get; } = type;
    public WriteOperation Operation { get; } = operation;
    public JsonObject? Old { get; } = old;
    public JsonObject Object { get; set; } = obj;
    public string Subresource { get; } = subresource;
    public bool DryRun { get; } = dryRun;
}

/// <summary>Type-specific behaviour run by the store under its lock: defaulting and validation, and reactions to committed writes.</summary>
public interface IStoreHook
{
    /// <summary>Called before a create or update is stored; may change the object or reject it.</summary>
    void BeforeWrite(WriteContext context);

    /// <summary>Called after a change is committed (not for dry runs). <paramref name="current"/> is null after a delete.</summary>
    void AfterCommit(ResourceType type, JsonObject? old, JsonObject? current);
}
