using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace Tandem.Runtime.Resources;

/// <summary>The list envelope (<c>{"metadata":{"resourceVersion":..},"items":[..]}</c>) for any entity type.</summary>
public sealed class EntityList<T> : IKubernetesObject<V1ListMeta>, IItems<T> where T : IKubernetesObject
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = string.Empty;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = string.Empty;

    [JsonPropertyName("metadata")]
    public V1ListMeta Metadata { get; set; } = new();

    [JsonPropertyName("items")]
    public IList<T> Items { get; set; } = [];
}
