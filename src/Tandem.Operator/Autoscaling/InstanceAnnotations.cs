using System.Globalization;
using k8s.Models;
using Tandem.Api.V1Alpha1;
using Tandem.Scaling.Lifecycle;

namespace Tandem.Operator.Autoscaling;

/// <summary>
/// The autoscaler's memory of one instance that must survive a restart or a new leader, kept on the engine pod:
/// since when the instance is in its state (warm and standby timers), and when a drain or an activation began.
/// </summary>
public static class InstanceAnnotations
{
    /// <summary>"state@time": the state the autoscaler last saw and since when (RFC 3339).</summary>
    public const string StateSince = ApiGroup.Group + "/state-since";

    /// <summary>When the Drain in progress was sent (RFC 3339); absent when none is.</summary>
    public const string DrainStarted = ApiGroup.Group + "/drain-started";

    /// <summary>When the Activate in progress was sent (RFC 3339); absent when none is.</summary>
    public const string ActivationStarted = ApiGroup.Group + "/activation-started";

    /// <summary>On a replacement pod of a rollout: the outdated instance it replaces (the pairing survives a restart).</summary>
    public const string Replaces = ApiGroup.Group + "/replaces";

    /// <summary>The annotation's value of a state and the time it began.</summary>
    public static string FormatStateSince(InstanceState state, DateTimeOffset since) => $"{Labels(state)}@{Format(since)}";

    /// <summary>Since when the pod's annotation says it is in <paramref name="state"/>; null when it says another state or nothing.</summary>
    public static DateTimeOffset? SinceOf(V1Pod pod, InstanceState state)
    {
        var value = Read(pod, StateSince);
        var at = value?.IndexOf('@', StringComparison.Ordinal) ?? -1;
        return at > 0 && value![..at] == Labels(state) ? Parse(value[(at + 1)..]) : null;
    }

    /// <summary>The time annotation <paramref name="key"/> holds, or null.</summary>
    public static DateTimeOffset? TimeOf(V1Pod pod, string key) => Read(pod, key) is { } value ? Parse(value) : null;

    /// <summary>RFC 3339 with milliseconds, UTC.</summary>
    public static string Format(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>The value of annotation <paramref name="key"/>, or null.</summary>
    public static string? Read(V1Pod pod, string key) => pod.Metadata?.Annotations is { } a && a.TryGetValue(key, out var v) ? v : null;

    private static DateTimeOffset? Parse(string value) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time) ? time : null;

    private static string Labels(InstanceState state) => state.ToString().ToLowerInvariant();
}
