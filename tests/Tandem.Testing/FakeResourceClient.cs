using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Tandem.Runtime.Client;

namespace Tandem.Testing;

/// <summary>
/// An in-memory <see cref="IResourceClient{T}"/>: a store with resourceVersions and 409 conflicts, JSON merge patch,
/// scripted list results and watch streams, and a record of every call.
/// </summary>
public sealed class FakeResourceClient<T> : IResourceClient<T> where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly object _gate = new();
    private readonly Dictionary<string, string> _store = new();
    private long _rv = 100;

    /// <summary>Scripted list results, used in order; when empty the store is listed.</summary>
    public Queue<Func<ResourceList<T>>> Lists { get; } = new();

    /// <summary>Scripted watch streams, used in order; when empty a watch stays open until cancelled.</summary>
    public Queue<Func<CancellationToken, IAsyncEnumerable<WatchEvent<T>>>> Watches { get; } = new();

    public List<(string? Namespace, string ResourceVersion)> WatchCalls { get; } = [];

    public int ListCalls { get; private set; }

    public List<string> Patches { get; } = [];

    public int StatusWrites { get; private set; }

    public int Replaces { get; private set; }

    public int Creates { get; private set; }

    /// <summary>Replace-status calls that fail with 409 before one succeeds; each also bumps the stored object.</summary>
    public int StatusConflictsToInject { get; set; }

    public void Seed(T entity)
    {
        lock (_gate)
        {
            entity.Metadata.ResourceVersion = (++_rv).ToString();
            entity.Metadata.Uid ??= Guid.NewGuid().ToString();
            _store[Key(entity.Metadata.NamespaceProperty, entity.Metadata.Name)] = KubernetesJson.Serialize(entity);
        }
    }

    public T? Stored(string? ns, string name)
    {
        lock (_gate) return _store.TryGetValue(Key(ns, name), out var json) ? KubernetesJson.Deserialize<T>(json) : null;
    }

    public Task<ResourceList<T>> ListAsync(string? ns, string? labelSelector, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            ListCalls++;
            if (Lists.TryDequeue(out var scripted)) return Task.FromResult(scripted());
            var items = _store.Values.Select(j => KubernetesJson.Deserialize<T>(j))
                .Where(i => ns is null || i.Metadata.NamespaceProperty == ns).ToList();
            return Task.FromResult(new ResourceList<T>(items, _rv.ToString()));
        }
    }

    public async IAsyncEnumerable<WatchEvent<T>> WatchAsync(string? ns, string resourceVersion, string? labelSelector, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Func<CancellationToken, IAsyncEnumerable<WatchEvent<T>>>? script;
        lock (_gate)
        {
            WatchCalls.Add((ns, resourceVersion));
            Watches.TryDequeue(out script);
        }

        if (script is null)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            yield break;
        }

        await foreach (var e in script(cancellationToken).WithCancellation(cancellationToken)) yield return e;
    }

    public Task<T?> GetAsync(string? ns, string name, CancellationToken cancellationToken) => Task.FromResult(Stored(ns, name));

    public Task<T> CreateAsync(T entity, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var key = Key(entity.Metadata.NamespaceProperty, entity.Metadata.Name);
            if (_store.ContainsKey(key)) throw Error(HttpStatusCode.Conflict);
            Creates++;
            var copy = KubernetesJson.Deserialize<T>(KubernetesJson.Serialize(entity));
            copy.Metadata.Uid = Guid.NewGuid().ToString();
            copy.Metadata.ResourceVersion = (++_rv).ToString();
            copy.Metadata.Generation = 1;
            _store[key] = KubernetesJson.Serialize(copy);
            return Task.FromResult(copy);
        }
    }

    public Task<T> ReplaceAsync(T entity, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Replaces++;
            return Task.FromResult(WriteChecked(entity, (stored, incoming) =>
            {
                incoming["status"] = stored["status"]?.DeepClone();
                return incoming;
            }));
        }
    }

    public Task<T> ReplaceStatusAsync(T entity, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            StatusWrites++;
            if (StatusConflictsToInject > 0)
            {
                StatusConflictsToInject--;
                // Someone else wrote meanwhile: bump the stored version so the caller's copy is stale.
                var key = Key(entity.Metadata.NamespaceProperty, entity.Metadata.Name);
                var stored = KubernetesJson.Deserialize<T>(_store[key]);
                stored.Metadata.ResourceVersion = (++_rv).ToString();
                _store[key] = KubernetesJson.Serialize(stored);
                throw Error(HttpStatusCode.Conflict);
            }

            return Task.FromResult(WriteChecked(entity, (stored, incoming) =>
            {
                stored["status"] = incoming["status"]?.DeepClone();
                return stored;
            }));
        }
    }

    public Task<T> PatchAsync(string? ns, string name, V1Patch patch, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var key = Key(ns, name);
            if (!_store.TryGetValue(key, out var json)) throw Error(HttpStatusCode.NotFound);
            var body = (string)patch.Content;
            Patches.Add(body);
            var patchNode = JsonNode.Parse(body)!.AsObject();
            var target = JsonNode.Parse(json)!.AsObject();
            var expectedRv = patchNode["metadata"]?["resourceVersion"]?.GetValue<string>();
            if (expectedRv is not null && expectedRv != target["metadata"]!["resourceVersion"]!.GetValue<string>()) throw Error(HttpStatusCode.Conflict);
            Merge(target, patchNode);
            target["metadata"]!["resourceVersion"] = (++_rv).ToString();
            _store[key] = target.ToJsonString();
            return Task.FromResult(KubernetesJson.Deserialize<T>(_store[key]));
        }
    }

    public Task<bool> DeleteAsync(string? ns, string name, CancellationToken cancellationToken)
    {
        lock (_gate) return Task.FromResult(_store.Remove(Key(ns, name)));
    }

    public static HttpOperationException Error(HttpStatusCode code) => new($"fake {(int)code}")
    {
        Response = new HttpResponseMessageWrapper(new HttpResponseMessage(code), string.Empty),
    };

    private T WriteChecked(T entity, Func<JsonObject, JsonObject, JsonObject> combine)
    {
        var key = Key(entity.Metadata.NamespaceProperty, entity.Metadata.Name);
        if (!_store.TryGetValue(key, out var json)) throw Error(HttpStatusCode.NotFound);
        var stored = JsonNode.Parse(json)!.AsObject();
        if (stored["metadata"]!["resourceVersion"]!.GetValue<string>() != entity.Metadata.ResourceVersion) throw Error(HttpStatusCode.Conflict);
        var result = combine(stored, JsonNode.Parse(KubernetesJson.Serialize(entity))!.AsObject());
        result["metadata"]!["resourceVersion"] = (++_rv).ToString();
        _store[key] = result.ToJsonString();
        return KubernetesJson.Deserialize<T>(_store[key]);
    }

    // RFC 7386 JSON merge patch.
    private static void Merge(JsonObject target, JsonObject patch)
    {
        foreach (var (name, value) in patch.ToList())
        {
            if (value is null) target.Remove(name);
            else if (value is JsonObject child && target[name] is JsonObject existing) Merge(existing, child);
            else target[name] = value.DeepClone();
        }
    }

    private static string Key(string? ns, string name) => $"{ns}/{name}";
}
