using k8s;
using k8s.Models;
using Tandem.Runtime;

namespace Tandem.Testing;

/// <summary>Keeps every recorded Event in memory.</summary>
public sealed class RecordingEvents : IEventRecorder
{
    public List<(string Type, string Reason, string Note)> Recorded { get; } = [];

    public Task RecordAsync(IKubernetesObject<V1ObjectMeta> regarding, string type, string reason, string note, string? action = null, CancellationToken cancellationToken = default)
    {
        lock (Recorded)
        {
            Recorded.Add((type, reason, note));
        }

        return Task.CompletedTask;
    }
}
