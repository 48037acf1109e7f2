using Tandem.Api.Schema;
using Tandem.Api.V1Alpha1;
using Tandem.Scaling.Models;
using Tandem.Scaling.Policies;
using ApiBand = Tandem.Api.V1Alpha1.Band;
using PolicyBand = Tandem.Scaling.Policies.Band;

namespace Tandem.Operator.Specs;

/// <summary>Maps the Kubernetes API (ModelProfile, InferenceDeployment) to the pure policy library's inputs.</summary>
public static class SpecMapping
{
    /// <summary>The policy's model numbers from a ModelProfile (the mapping the simulator's seed models use too).</summary>
    public static ModelNumbers ToModelNumbers(ModelProfile profile) => ModelProfileNumbers.From(profile);

    /// <summary>
    /// The policy's bounds from <c>spec.scaling</c>. In external mode each role's min and max are both the replicas an
    /// external scaler set on its EnginePool, clamped to the user's bounds, so the same fast and slow tier carry it out.
    /// </summary>
    public static ScalingBounds ToBounds(InferenceDeploymentSpec spec, int? externalPrefill = null, int? externalDecode = null)
    {
        var scaling = spec.Scaling;
        var prefill = Role(scaling.Prefill, Defaults.PrefillBand, externalPrefill);
        var decode = Role(scaling.Decode, Defaults.DecodeBand, externalDecode);
        return new ScalingBounds
        {
            Prefill = prefill,
            Decode = decode,
            Migration = ToBand(scaling.Migration),
            ScaleDownDelay = GoDuration.Parse(scaling.ScaleDownDelay, "spec.scaling.scaleDownDelay"),
            Ratio = scaling.Ratio is { } ratio ? new RatioGuard(ratio.Min ?? 0, ratio.Max ?? double.PositiveInfinity) : RatioGuard.None,
            Standby = new StandbySettings(scaling.Standby.Replicas, GoDuration.Parse(scaling.Standby.IdleTimeout, "spec.scaling.standby.idleTimeout")),
            Features = ToFeatures(spec),
            Slo = scaling.Slo is { } slo
                ? new SloSettings(
                    slo.Ttft is { } ttft ? GoDuration.Parse(ttft, "spec.scaling.slo.ttft") : null,
                    slo.Tpot is { } tpot ? GoDuration.Parse(tpot, "spec.scaling.slo.tpot") : null)
                : null,
        };
    }

    /// <summary>Clamps an externally set replica count to the role's [min, max].</summary>
    public static int Clamp(int replicas, RoleScaling role) => Math.Clamp(replicas, role.Min, Math.Max(role.Min, role.Max));

    /// <summary>The decision period.</summary>
    public static TimeSpan Interval(InferenceDeploymentSpec spec) => GoDuration.Parse(spec.Scaling.Interval, "spec.scaling.interval");

    /// <summary>The policy named by <c>spec.scaling.policy</c>.</summary>
    public static string PolicyName(InferenceDeploymentSpec spec) => spec.Scaling.Policy switch
    {
        ScalingPolicyName.Slo => "slo",
        ScalingPolicyName.Static => "static",
        _ => "bounds",
    };

    private static RoleBounds Role(RoleScaling role, ApiBand fallback, int? external)
    {
        var band = ToBand(role.Utilization ?? fallback);
        if (external is { } replicas)
        {
            var clamped = Clamp(replicas, role);
            return new RoleBounds(clamped, Math.Max(1, clamped), band);
        }

        return new RoleBounds(role.Min, Math.Max(role.Min, role.Max), band);
    }

    private static PolicyBand ToBand(ApiBand band) => new(band.Lower, band.Upper);

    private static ScalingFeatures ToFeatures(InferenceDeploymentSpec spec)
    {
        var features = ScalingFeatures.None;
        if (spec.Has(Feature.Mutate))
        {
            features |= ScalingFeatures.Mutate;
        }

        // vLLM cannot load weights from a peer: fast-load falls back to the next tier (wake from sleep, or a new pod).
        if (spec.Has(Feature.FastLoad) && spec.Engine.Adapter != EngineAdapter.Vllm)
        {
            features |= ScalingFeatures.FastLoad;
        }

        if (spec.Has(Feature.LiveScaling))
        {
            features |= ScalingFeatures.LiveScaling;
        }

        if (spec.Has(Feature.HostCache))
        {
            features |= ScalingFeatures.HostCache;
        }

        return features;
    }

    private static class Defaults
    {
        public static readonly ApiBand PrefillBand = new() { Lower = 0.15, Upper = 0.4 };
        public static readonly ApiBand DecodeBand = new() { Lower = 0.45, Upper = 0.8 };
    }
}
