namespace Tandem.Benchmarks.Operator;

/// <summary>
/// Names the scale-up path an operator Event shows, from its reason and note (the notes the autoscaler's
/// ActionExecutor writes), so each repetition can check that it measured the path it meant to.
/// </summary>
internal static class ReactionPaths
{
    public const string Warm = "warm";
    public const string StandbyPeer = "standby-peer";
    public const string StandbyStorage = "standby-storage";
    public const string StandbyHostCache = "standby-host-cache";
    public const string Cold = "cold";
    public const string CancelDrain = "cancel-drain";
    public const string Other = "other";

    /// <summary>The Event reasons that mark a scale-up action (the "first action" of a step).</summary>
    public static bool IsScaleUp(ScaleEvent e) => e.Reason is "ScaledUp" or "PodsCreated" or "DrainCancelled";

    /// <summary>The Event reason of an Activate call on an engine (warm reuse or standby activation).</summary>
    public static bool IsActivate(ScaleEvent e) => e.Reason == "ScaledUp";

    public static string Of(ScaleEvent e) => e.Reason switch
    {
        "DrainCancelled" => CancelDrain,
        "PodsCreated" when e.Note.Contains("cold start", StringComparison.Ordinal) => Cold,
        "ScaledUp" when e.Note.StartsWith("Reusing warm instance", StringComparison.Ordinal) => Warm,
        "ScaledUp" when e.Note.Contains("(weights from peer(", StringComparison.Ordinal) => StandbyPeer,
        "ScaledUp" when e.Note.Contains("(weights from storage)", StringComparison.Ordinal) => StandbyStorage,
        "ScaledUp" when e.Note.Contains("(weights from host-cache)", StringComparison.Ordinal) => StandbyHostCache,
        _ => Other,
    };
}
