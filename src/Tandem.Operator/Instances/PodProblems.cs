using k8s.Models;

namespace Tandem.Operator.Instances;

/// <summary>Why a pod cannot start, read from its status: unschedulable, or a container stuck on an error.</summary>
public static class PodProblems
{
    /// <summary>Container waiting reasons that do not clear by themselves.</summary>
    private static readonly HashSet<string> Stuck = new(StringComparer.Ordinal)
    {
        "CrashLoopBackOff", "ImagePullBackOff", "ErrImagePull", "InvalidImageName", "CreateContainerConfigError", "CreateContainerError", "RunContainerError", "StartError",
    };

    /// <summary>A one-line description of what keeps the pod from starting, or null.</summary>
    public static string? Of(V1Pod pod)
    {
        if (pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "PodScheduled" && c.Status == "False") is { } unscheduled)
        {
            return $"unschedulable ({unscheduled.Reason}: {unscheduled.Message})";
        }

        if (pod.Status?.Phase == "Failed")
        {
            return $"pod failed ({pod.Status.Reason}: {pod.Status.Message})";
        }

        foreach (var container in pod.Status?.ContainerStatuses ?? [])
        {
            if (container.State?.Waiting is { } waiting && waiting.Reason is { } reason && Stuck.Contains(reason))
            {
                return $"container {container.Name}: {reason} {waiting.Message}".TrimEnd();
            }

            if (container.State?.Terminated is { } terminated && terminated.Reason is { } ended && Stuck.Contains(ended))
            {
                return $"container {container.Name}: {ended} {terminated.Message}".TrimEnd();
            }
        }

        return null;
    }
}
