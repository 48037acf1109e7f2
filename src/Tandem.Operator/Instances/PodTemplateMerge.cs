using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Tandem.Api.V1Alpha1;

namespace Tandem.Operator.Instances;

/// <summary>
/// Merges engine.template into an engine pod Tandem built. Objects merge field by field, lists of named items (volumes,
/// containers, env, mounts, ports) by name, other lists append; the template's container <c>engine</c> merges into
/// Tandem's. Where Tandem set a value the template may not change (image, args, GPUs, grace period, its labels) a
/// different value is a conflict, reported with the template's field path; Tandem's defaults (securityContext,
/// probes, default CPU and memory requests) yield to the template.
/// </summary>
public static class PodTemplateMerge
{
    /// <summary>Field path of the template in an InferenceDeployment.</summary>
    public const string TemplatePath = "spec.engine.template";

    private static readonly HashSet<string> EngineOwned = new(StringComparer.Ordinal) { "image", "command", "args", "name" };
    private static readonly HashSet<string> DefaultsYield = new(StringComparer.Ordinal) { "securityContext", "startupProbe", "readinessProbe", "livenessProbe" };

    /// <summary>The merged pod and every conflict (empty when the template fits).</summary>
    public static (V1Pod Pod, IReadOnlyList<string> Conflicts) Apply(V1Pod pod, EngineSpec engine, IReadOnlySet<string> defaultedResources)
    {
        var template = engine.Template;
        var conflicts = new List<string>();
        if (template is null)
        {
            return (pod, conflicts);
        }

        pod.Metadata.Labels = MergeMap(pod.Metadata.Labels, template.Metadata?.Labels, $"{TemplatePath}.metadata.labels", conflicts);
        pod.Metadata.Annotations = MergeMap(pod.Metadata.Annotations, template.Metadata?.Annotations, $"{TemplatePath}.metadata.annotations", conflicts);
        if (template.Spec is null)
        {
            return (pod, conflicts);
        }

        var ours = Json(pod.Spec);
        var theirs = Json(template.Spec);
        if (theirs["terminationGracePeriodSeconds"] is { } grace && grace.ToJsonString() != ours["terminationGracePeriodSeconds"]?.ToJsonString())
        {
            conflicts.Add($"{TemplatePath}.spec.terminationGracePeriodSeconds: set by spec.engine.terminationGracePeriodSeconds ({engine.TerminationGracePeriodSeconds}); set it there");
        }

        theirs.Remove("terminationGracePeriodSeconds");
        foreach (var key in new[] { "securityContext", "automountServiceAccountToken" }.Where(k => theirs[k] is not null))
        {
            // Tandem's defaults: the template's choice wins.
            ours[key] = theirs[key]!.DeepClone();
            theirs.Remove(key);
        }

        if (theirs["containers"] is JsonArray containers)
        {
            theirs.Remove("containers");
            var engineContainer = (JsonObject)((JsonArray)ours["containers"]!)[0]!;
            foreach (var container in containers.OfType<JsonObject>())
            {
                if (container["name"]?.GetValue<string>() == engineContainer["name"]!.GetValue<string>())
                {
                    MergeEngineContainer(engineContainer, (JsonObject)container.DeepClone(), engine, defaultedResources, conflicts);
                }
                else
                {
                    ((JsonArray)ours["containers"]!).Add(container.DeepClone());
                }
            }
        }

        Merge(ours, theirs, $"{TemplatePath}.spec", conflicts);
        pod.Spec = KubernetesJson.Deserialize<V1PodSpec>(ours.ToJsonString());
        return (pod, conflicts);
    }

    /// <summary>Whether the template mounts something at /dev/shm in the engine container (then Tandem adds none).</summary>
    public static bool MountsShm(EngineSpec engine, string containerName) =>
        engine.Template?.Spec?.Containers?.FirstOrDefault(c => c.Name == containerName)?.VolumeMounts?.Any(m => m.MountPath == "/dev/shm") == true;

    private static void MergeEngineContainer(JsonObject ours, JsonObject theirs, EngineSpec engine, IReadOnlySet<string> defaultedResources, List<string> conflicts)
    {
        var path = $"{TemplatePath}.spec.containers[{ours["name"]!.GetValue<string>()}]";
        foreach (var owned in EngineOwned.Where(k => k != "name" && theirs[k] is not null))
        {
            conflicts.Add($"{path}.{owned}: set by Tandem from spec.engine.{owned}; set it there");
            theirs.Remove(owned);
        }

        foreach (var key in DefaultsYield.Where(k => theirs[k] is not null))
        {
            ours[key] = theirs[key]!.DeepClone();
            theirs.Remove(key);
        }

        if (theirs["resources"] is JsonObject resources)
        {
            theirs.Remove("resources");
            var ourResources = (JsonObject)(ours["resources"] ??= new JsonObject());
            foreach (var kind in new[] { "requests", "limits" })
            {
                if (resources[kind] is not JsonObject given)
                {
                    continue;
                }

                var target = (JsonObject)(ourResources[kind] ??= new JsonObject());
                foreach (var (name, value) in given)
                {
                    if (name == engine.Resources.GpuResourceName)
                    {
                        conflicts.Add($"{path}.resources.{kind}.{name}: GPUs come from spec.engine.resources.gpus (or the ModelProfile's tensorParallelSize)");
                    }
                    else if (target[name] is { } existing && !defaultedResources.Contains(name) && existing.ToJsonString() != value!.ToJsonString())
                    {
                        conflicts.Add($"{path}.resources.{kind}.{name}: set by spec.engine.resources.{name} ({existing.GetValue<string>()})");
                    }
                    else
                    {
                        target[name] = value!.DeepClone();
                    }
                }
            }
        }

        Merge(ours, theirs, path, conflicts);
    }

    private static void Merge(JsonObject ours, JsonObject theirs, string path, List<string> conflicts)
    {
        foreach (var (key, value) in theirs.ToArray())
        {
            var fieldPath = $"{path}.{key}";
            switch (ours[key], value)
            {
                case (_, null):
                    break;
                case (null, _):
                    ours[key] = value.DeepClone();
                    break;
                case (JsonObject mine, JsonObject other):
                    Merge(mine, other, fieldPath, conflicts);
                    break;
                case (JsonArray mine, JsonArray other):
                    MergeList(mine, other, fieldPath, conflicts);
                    break;
                case var (mine, other) when mine.ToJsonString() != other.ToJsonString():
                    conflicts.Add($"{fieldPath}: Tandem sets {mine.ToJsonString()}, the template {other.ToJsonString()}");
                    break;
            }
        }
    }

    private static void MergeList(JsonArray ours, JsonArray theirs, string path, List<string> conflicts)
    {
        foreach (var item in theirs)
        {
            if (item is JsonObject named && named["name"]?.GetValue<string>() is { } name
                && ours.OfType<JsonObject>().FirstOrDefault(o => o["name"]?.GetValue<string>() == name) is { } mine)
            {
                Merge(mine, named, $"{path}[{name}]", conflicts);
            }
            else if (!ours.Any(o => o?.ToJsonString() == item?.ToJsonString()))
            {
                ours.Add(item?.DeepClone());
            }
        }
    }

    private static Dictionary<string, string>? MergeMap(IDictionary<string, string>? ours, Dictionary<string, string>? theirs, string path, List<string> conflicts)
    {
        var merged = ours is null ? new Dictionary<string, string>(StringComparer.Ordinal) : new Dictionary<string, string>(ours, StringComparer.Ordinal);
        foreach (var (key, value) in theirs ?? [])
        {
            if (merged.TryGetValue(key, out var existing) && existing != value)
            {
                conflicts.Add($"{path}.{key}: Tandem sets '{existing}', the template '{value}'");
            }
            else
            {
                merged[key] = value;
            }
        }

        return merged.Count > 0 ? merged : null;
    }

    private static JsonObject Json(object value) => (JsonObject)JsonNode.Parse(KubernetesJson.Serialize(value))!;
}
