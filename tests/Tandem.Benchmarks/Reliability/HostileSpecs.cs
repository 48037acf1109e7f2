namespace Tandem.Benchmarks.Reliability;

/// <summary>
/// One hostile edit of a running deployment (a JSON merge patch of its spec) and what must come of it: refused at
/// admission with an error naming <see cref="Field"/>, or accepted and reported as Stalled/Degraded with a reason —
/// never a running pod deleted.
/// </summary>
internal sealed record HostileSpec(string Name, string Patch, string? Field, string? Condition = null);

/// <summary>The hostile specs of issue 15 and their neighbours.</summary>
internal static class HostileSpecs
{
    public static IReadOnlyList<HostileSpec> All { get; } =
    [
        new("control port = serving port", """{"spec":{"engine":{"ports":{"control":8000}}}}""", "spec.engine.ports.control"),
        new("cpu: lots", """{"spec":{"engine":{"resources":{"cpu":"lots"}}}}""", "spec.engine.resources.cpu"),
        new("memory: much", """{"spec":{"engine":{"resources":{"memory":"much"}}}}""", "spec.engine.resources.memory"),
        new("interval 0s", """{"spec":{"scaling":{"interval":"0s"}}}""", "spec.scaling.interval"),
        new("interval 9999999h", """{"spec":{"scaling":{"interval":"9999999h"}}}""", "spec.scaling.interval"),
        new("prefill min 0", """{"spec":{"scaling":{"prefill":{"min":0}}}}""", "spec.scaling.prefill.min"),
        new("decode min 0", """{"spec":{"scaling":{"decode":{"min":0}}}}""", "spec.scaling.decode.min"),
        new("prefill min > max", """{"spec":{"scaling":{"prefill":{"min":5,"max":3}}}}""", "spec.scaling.prefill"),
        new("utilization lower >= upper", """{"spec":{"scaling":{"prefill":{"utilization":{"lower":0.9,"upper":0.3}}}}}""", "spec.scaling.prefill.utilization"),
        new("scaleDownDelay 48h", """{"spec":{"scaling":{"scaleDownDelay":"48h"}}}""", "spec.scaling.scaleDownDelay"),
        new("standby idleTimeout 999h", """{"spec":{"scaling":{"standby":{"idleTimeout":"999h"}}}}""", "spec.scaling.standby.idleTimeout"),
        new("router port = controlPort", """{"spec":{"router":{"port":11237,"controlPort":11237}}}""", "spec.router.controlPort"),
        new("scaling mode bogus", """{"spec":{"scaling":{"mode":"bogus"}}}""", "spec.scaling.mode"),
        new("adapter bogus", """{"spec":{"engine":{"adapter":"bogus"}}}""", "spec.engine.adapter"),
        new("negative standby replicas", """{"spec":{"scaling":{"standby":{"replicas":-1}}}}""", "spec.scaling.standby.replicas"),
        new("unknown field", """{"spec":{"engine":{"gpuz":4}}}""", "spec.engine.gpuz"),
        new("missing ModelProfile", """{"spec":{"model":"no-such-model"}}""", null, "Stalled"),
    ];
}
