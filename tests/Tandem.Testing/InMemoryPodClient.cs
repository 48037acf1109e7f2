using System.Runtime.CompilerServices;
using k8s;
using k8s.Models;
using Tandem.Runtime;
using Tandem.Runtime.Client;

namespace Tandem.Testing;

/// <summary>An in-memory pod store standing in for the API server: records creates and deletes by name.</summary>
public sealed class InMemoryPodClient : IResourceClient<V1Pod>
{
    private readonly Dictionary<string, V1Pod> _pods = new(StringComparer.Ordinal);

    public List<string> Created { get; } = [];

    public List<string> Deleted { get; } = [];

    public Task<ResourceList<V1Pod>> ListAsync(string? ns, string? labelSelector, CancellationToken cancellationToken) =>
        Task.FromResult(new ResourceList<V1Pod>(_pods.Values.ToArray(), "1"));

    public async IAsyncEnumerable<WatchEvent<V1Pod>> WatchAsync(string? ns, string resourceVersion, string? labelSelector, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // No changes happen behind the test's back: the stream ends at once, as a server closing it would.
        await Task.CompletedTask;
        yield break;
    }

    public Task<V1Pod?> GetAsync(string? ns, string name, CancellationToken cancellationToken) => Task.FromResult(_pods.GetValueOrDefault(name));

    public Task<V1Pod> CreateAsync(V1Pod entity, CancellationToken cancellationToken)
    {
        lock (_pods)
        {
            _pods.Add(entity.Metadata.Name, entity);
            Created.Add(entity.Metadata.Name);
            return Task.FromResult(entity);
        }
    }

    public Task<V1Pod> ReplaceAsync(V1Pod entity, CancellationToken cancellationToken)
    {
        _pods[entity.Metadata.Name] = entity;
        return Task.FromResult(entity);
    }

    public Task<V1Pod> ReplaceStatusAsync(V1Pod entity, CancellationToken cancellationToken) => ReplaceAsync(entity, cancellationToken);

    /// <summary>Metadata merge patches (labels, annotations) applied in order; a null value removes the key.</summary>
    public List<(string Pod, string Patch)> Patches { get; } = [];

    public Task<V1Pod> PatchAsync(string? ns, string name, V1Patch patch, CancellationToken cancellationToken)
    {
        lock (_pods)
        {
            var pod = _pods[name];
            var body = patch.Content as string ?? throw new ArgumentException("string patches only");
            Patches.Add((name, body));
            var metadata = System.Text.Json.Nodes.JsonNode.Parse(body)?["metadata"];
            pod.Metadata.Labels = Merge(pod.Metadata.Labels, metadata?["labels"]);
            pod.Metadata.Annotations = Merge(pod.Metadata.Annotations, metadata?["annotations"]);
            return Task.FromResult(pod);
        }
    }

    private static IDictionary<string, string>? Merge(IDictionary<string, string>? into, System.Text.Json.Nodes.JsonNode? patch)
    {
        if (patch is not System.Text.Json.Nodes.JsonObject changes)
        {
            return into;
        }

        var merged = new Dictionary<string, string>(into ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        foreach (var (key, value) in changes)
        {
            if (value is null)
            {
                merged.Remove(key);
            }
            else
            {
                merged[key] = value.GetValue<string>();
            }
        }

        return merged;
    }

    public Task<bool> DeleteAsync(string? ns, string name, CancellationToken cancellationToken)
    {
        lock (_pods)
        {
            Deleted.Add(name);
            return Task.FromResult(_pods.Remove(name));
        }
    }
}
