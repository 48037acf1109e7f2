using System.Text.Json.Nodes;
using Tandem.Api.V1Alpha1;

namespace Tandem.Operator.Pools;

/// <summary>
/// Who last set an EnginePool's <c>spec.replicas</c>, read from <c>metadata.managedFields</c> (an update takes the
/// fields it changes from their previous owner, so exactly one manager owns the field at a time).
/// </summary>
public static class ReplicasOwner
{
    /// <summary>The manager owning spec.replicas (e.g. <c>kubectl</c> after <c>kubectl scale</c>), or null when none is recorded.</summary>
    public static string? Of(EnginePool pool)
    {
        foreach (var entry in pool.Metadata.ManagedFields ?? [])
        {
            if (entry.FieldsV1 is null)
            {
                continue;
            }

            var fields = JsonNode.Parse(k8s.KubernetesJson.Serialize(entry.FieldsV1));
            if (fields?["f:spec"]?["f:replicas"] is not null)
            {
                return entry.Manager;
            }
        }

        return null;
    }
}
