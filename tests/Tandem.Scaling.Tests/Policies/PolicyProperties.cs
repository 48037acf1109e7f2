using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Tandem.Scaling.Lifecycle;
using Tandem.Scaling.Policies;

namespace Tandem.Scaling.Tests.Policies;

/// <summary>A random fleet and bounds, plus the policy to ask.</summary>
public sealed record Scenario(string Policy, ScalingInput Input)
{
    public override string ToString() =>
        $"{Policy}: W={Input.Load.QueuedPromptTokens} P[{Input.Bounds.Prefill.Min},{Input.Bounds.Prefill.Max}] D[{Input.Bounds.Decode.Min},{Input.Bounds.Decode.Max}] ratio {Input.Bounds.Ratio} {Input.Bounds.Features}: "
        + string.Join(", ", Input.Instances.Select(i => $"{i.Id}:{i.State}/{i.Role}/{i.UsedKvBlocks}{(i.IsWeightSource ? "*" : "")}"));
}

/// <summary>FsCheck generators for <see cref="Scenario"/>.</summary>
public static class ScenarioArbitrary
{
    private static readonly InstanceState[] States = Enum.GetValues<InstanceState>();

    public static Arbitrary<Scenario> Scenarios() => Arb.From(Scenario(ScalingPolicies.Names.ToArray()));

    /// <summary>Scenarios for the bounds policy only.</summary>
    public static Gen<Scenario> Scenario(string[] policies) =>
        from policy in Gen.Elements(policies)
        from minP in Gen.Choose(0, 3)
        from spanP in Gen.Choose(0, 8)
        from minD in Gen.Choose(0, 3)
        from spanD in Gen.Choose(0, 8)
        from ratioKind in Gen.Choose(0, 2)
        from ratioMin10 in Gen.Choose(0, 10)
        from ratioSpan in Gen.Choose(10, 40)
        from features in Gen.Choose(0, 15)
        from queued in Gen.Choose(0, 200_000)
        from rate in Gen.Choose(-1, 100_000)
        from nowSeconds in Gen.Choose(0, 120)
        from instances in Gen.ListOf(Instance())
        select Build(policy, minP, Math.Max(1, minP + spanP), minD, Math.Max(1, minD + spanD),
            ratioKind == 0 ? null : new RatioGuard(ratioMin10 / 10.0, ratioMin10 / 10.0 + ratioSpan / 10.0),
            (ScalingFeatures)features, queued, rate < 0 ? null : rate, nowSeconds, instances);

    private static Gen<InstanceView> Instance() =>
        from state in Gen.Elements(States)
        from role in Gen.Elements(InstanceRole.Prefill, InstanceRole.Decode)
        from blocks in Gen.Choose(0, 40_000)
        from unmigrated in Gen.Choose(0, 30_000)
        from running in Gen.Choose(0, 50)
        from source in Gen.Elements(false, false, false, true)
        from since in Gen.Choose(0, 120)
        select new InstanceView("", state is InstanceState.Pending or InstanceState.Standby ? null : role, state, Fleet.T0.AddSeconds(since))
        {
            UsedKvBlocks = state is InstanceState.Active or InstanceState.Loading or InstanceState.Draining ? blocks : 0,
            UnmigratedKvTokens = state is InstanceState.Active or InstanceState.Draining && role == InstanceRole.Prefill ? unmigrated : 0,
            RunningRequests = running,
            IsWeightSource = state == InstanceState.Active && source,
        };

    private static Scenario Build(string policy, int minP, int maxP, int minD, int maxD, RatioGuard? ratio, ScalingFeatures features,
        long queued, double? rate, int nowSeconds, List<InstanceView> instances)
    {
        // Keep the ratio guard satisfiable by raising the lagging role within its max (so the property can demand it).
        if (ratio is not null && (BandMath.CeilCount(maxP / ratio.Max) > maxD || BandMath.CeilCount(ratio.Min * maxD) > maxP
                                  || BandMath.CeilCount(minP / ratio.Max) > maxD || BandMath.CeilCount(ratio.Min * minD) > maxP))
        {
            ratio = null;
        }

        var bounds = new ScalingBounds
        {
            Prefill = new RoleBounds(minP, maxP, new Band(0.15, 0.4)),
            Decode = new RoleBounds(minD, maxD, new Band(0.45, 0.8)),
            Ratio = ratio ?? RatioGuard.None,
            Features = features,
            ScaleDownDelay = TimeSpan.FromSeconds(30),
            Standby = new StandbySettings(1, TimeSpan.FromSeconds(60)),
        };
        var named = instances.Select((i, n) => i with { Id = $"i{n}" }).ToArray();
        return new Scenario(policy, new ScalingInput(Fleet.T0.AddSeconds(nowSeconds), Fleet.Model, bounds, new RouterLoad(queued) { PromptTokensPerSecond = rate }, named));
    }
}

[Properties(Arbitrary = [typeof(ScenarioArbitrary)], MaxTest = 300)]
public class PolicyProperties
{
    private static ScalingDecision Decide(Scenario s) => ScalingPolicies.Create(s.Policy).Decide(s.Input);

    [Property]
    public bool Desired_counts_never_leave_min_and_max(Scenario s)
    {
        var d = Decide(s);
        var b = s.Input.Bounds;
        return d.Prefill.Desired >= b.Prefill.Min && d.Prefill.Desired <= b.Prefill.Max
            && d.Decode.Desired >= b.Decode.Min && d.Decode.Desired <= b.Decode.Max;
    }

    [Property]
    public bool Bounds_and_slo_remove_at_most_one_instance_per_role_per_decision(Scenario s)
    {
        if (s.Policy is not ("bounds" or "slo"))
        {
            return true;
        }

        var d = Decide(s);
        var byId = s.Input.Instances.ToDictionary(i => i.Id);
        var prefillRemovals = d.Actions.Count(a => a is Mutate || (a is Drain drain && byId[drain.InstanceId].Role == InstanceRole.Prefill));
        var decodeRemovals = d.Actions.Count(a => a is Drain drain && byId[drain.InstanceId].Role == InstanceRole.Decode);
        return prefillRemovals <= 1 && decodeRemovals <= 1;
    }

    [Property]
    public bool Warm_is_reused_before_standby_and_standby_before_cold_pods(Scenario s)
    {
        var d = Decide(s);
        var reused = d.Actions.OfType<ReuseWarm>().Select(a => a.InstanceId).ToHashSet();
        var activated = d.Actions.OfType<ActivateStandby>().Select(a => a.InstanceId).ToHashSet();
        var unusedWarm = s.Input.Instances.Where(i => i.State == InstanceState.Warm && !reused.Contains(i.Id));
        var unusedStandby = s.Input.Instances.Where(i => i.State == InstanceState.Standby && !activated.Contains(i.Id));
        var coldForScaleUp = d.Actions.OfType<CreatePods>().Any(c => c.ForRole is not null);
        return (activated.Count == 0 || !unusedWarm.Any()) && (!coldForScaleUp || (!unusedWarm.Any() && !unusedStandby.Any()));
    }

    [Property]
    public bool Mutate_happens_only_when_prefill_shrinks_and_decode_grows(Scenario s)
    {
        var d = Decide(s);
        return !d.Actions.OfType<Mutate>().Any()
            || (s.Input.Bounds.Features.HasFlag(ScalingFeatures.Mutate) && d.Prefill.Desired < d.Prefill.Current && d.Decode.Desired > d.Decode.Current);
    }

    [Property]
    public bool Ratio_guard_holds_after_every_decision(Scenario s)
    {
        var d = Decide(s);
        return s.Input.Bounds.Ratio.Holds(d.Prefill.Desired, d.Decode.Desired);
    }

    [Property]
    public bool Bounds_and_slo_drain_nothing_before_the_scale_down_hold_except_over_max_or_for_a_mutation(Scenario s)
    {
        if (s.Policy is not ("bounds" or "slo"))
        {
            return true;
        }

        // A fresh policy has seen no over-provisioning yet, so its first decision may not shrink a role that is within max.
        var d = Decide(s);
        var m = FleetMeasures.Of(s.Input);
        var b = s.Input.Bounds;
        var byId = s.Input.Instances.ToDictionary(i => i.Id);
        bool Drains(InstanceRole role) => d.Actions.Any(a => a is Drain drain && byId[drain.InstanceId].Role == role);
        var mutating = b.Features.HasFlag(ScalingFeatures.Mutate) && d.Decode.Desired > m.ServingDecode;
        return (!Drains(InstanceRole.Prefill) || m.ServingPrefill > b.Prefill.Max || mutating)
            && (!Drains(InstanceRole.Decode) || m.ServingDecode > b.Decode.Max);
    }

    [Property]
    public bool A_prefill_scale_up_cold_starts_no_more_than_the_sustained_rate_needs_beyond_the_fast_tier(Scenario s)
    {
        if (s.Policy != "bounds" || s.Input.Load.PromptTokensPerSecond is not { } rate)
        {
            return true;
        }

        var d = Decide(s);
        var b = s.Input.Bounds;
        var sustained = BandMath.Range(rate * PrefillDemand.ArrivalHorizon.TotalSeconds, Fleet.Model.PrefillTokensPerSecond, b.Prefill.Utilization).Low;
        var cold = d.Actions.OfType<CreatePods>().Where(c => c.ForRole == InstanceRole.Prefill).Sum(c => c.Count);
        // Cold starts are only asked when the wish passes what the fast tier holds, and then only up to the sustained need
        // (or what min and the ratio guard demand).
        return cold == 0 || d.Prefill.Desired <= Math.Max(sustained, Math.Max(b.Prefill.Min, d.Prefill.LimitedByRatio ? int.MaxValue : 0));
    }

    [Property]
    public bool Bounds_changes_nothing_while_every_band_holds(Scenario s)
    {
        var d = new BoundsPolicy().Decide(s.Input);
        var b = s.Input.Bounds;
        var m = FleetMeasures.Of(s.Input);
        var holds = m.ServingPrefill >= Math.Max(1, b.Prefill.Min) && m.ServingPrefill <= b.Prefill.Max
            && m.ServingDecode >= Math.Max(1, b.Decode.Min) && m.ServingDecode <= b.Decode.Max
            && b.Ratio.Holds(m.ServingPrefill, m.ServingDecode)
            && b.Prefill.Utilization.Holds(PrefillDemand.Tokens(s.Input.Load) / (Math.Max(m.ServingPrefill, 1) * s.Input.Model.PrefillTokensPerSecond))
            && b.Decode.Utilization.Holds(m.DecodeUtilization)
            && b.Migration.Holds(m.MigrationUtilization);
        return !holds || (d.Prefill.Desired == m.ServingPrefill && d.Decode.Desired == m.ServingDecode
                          && !d.Actions.Any(a => a is Drain or Mutate or ReuseWarm or ActivateStandby or CancelDrain || a is CreatePods { ForRole: not null }));
    }
}

/// <summary>The band-holding property needs fleets whose bands hold, which random fleets rarely give; build them.</summary>
public class BandsHoldProperty
{
    [Property(MaxTest = 200)]
    public bool Bounds_keeps_counts_when_queue_occupancy_and_migration_sit_inside_their_bands(PositiveInt prefillCount, PositiveInt decodeCount, byte q, byte k, byte g)
    {
        var np = prefillCount.Get % 8 + 1;
        var nd = decodeCount.Get % 8 + 1;
        var model = Fleet.Model;
        // Pick utilizations strictly inside each band, then the loads that give them.
        var pu = 0.15 + 0.25 * (q / 255.0);
        var du = 0.45 + 0.35 * (k / 255.0);
        var mu = 0.2 + 0.2 * (g / 255.0);
        var fleet = new Fleet { Queued = (long)Math.Round(pu * np * model.PrefillTokensPerSecond) };
        for (var i = 0; i < np; i++)
        {
            fleet.Add($"p{i}", InstanceState.Active, InstanceRole.Prefill, unmigrated: i == 0 ? (long)Math.Round(mu * nd * model.TransferTokensPerSecond) : 0);
        }

        for (var i = 0; i < nd; i++)
        {
            fleet.Active($"d{i}", InstanceRole.Decode, blocks: i == 0 ? (int)Math.Round(du * nd * model.KvBlocksPerInstance) : 0);
        }

        var input = fleet.Now();
        var m = FleetMeasures.Of(input);
        if (!input.Bounds.Prefill.Utilization.Holds(m.PrefillUtilization) || !input.Bounds.Decode.Utilization.Holds(m.DecodeUtilization)
            || !input.Bounds.Migration.Holds(m.MigrationUtilization))
        {
            return true; // rounding pushed a load onto an edge; the case is not a band-holding one
        }

        var d = new BoundsPolicy().Decide(input);
        return d.Prefill.Desired == np && d.Decode.Desired == nd && d.Actions.Count == 0;
    }
}
