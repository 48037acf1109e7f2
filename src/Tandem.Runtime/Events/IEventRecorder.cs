using k8s;
using k8s.Models;

namespace Tandem.Runtime;

/// <summary>
/// Records Kubernetes Events (events.k8s.io/v1) about an object, as <c>kubectl describe</c> shows them. Repeats of the
/// same event are folded into one Event's <c>series</c> instead of creating new objects. Never throws on API errors.
/// </summary>
public interface IEventRecorder
{
    /// <param name="regarding">The object the event is about.</param>
    /// <param name="type"><see cref="EventTypes.Normal"/> or <see cref="EventTypes.Warning"/>.</param>
    /// <param name="reason">A short UpperCamelCase reason, e.g. "ScaledUp".</param>
    /// <param name="note">A human-readable message.</param>
    /// <param name="action">What was done or failed, e.g. "Scale"; defaults to the reason.</param>
    Task RecordAsync(IKubernetesObject<V1ObjectMeta> regarding, string type, string reason, string note, string? action = null, CancellationToken cancellationToken = default);
}

/// <summary>The two event types Kubernetes knows.</summary>
public static class EventTypes
{
    public const string Normal = "Normal";
    public const string Warning = "Warning";
}
