using Tandem.Api.V1Alpha1;
using Tandem.Operator.Specs;
using Tandem.Scaling.Policies;

namespace Tandem.Operator.Tests;

public class SpecMappingTests
{
    [Fact]
    public void Spec_bounds_and_features_reach_the_policy_unchanged()
    {
        var deployment = TestObjects.Deployment(edit: s =>
        {
            s.Scaling.Prefill = new RoleScaling { Min = 2, Max = 13, Utilization = new Tandem.Api.V1Alpha1.Band { Lower = 0.5, Upper = 0.8 } };
            s.Scaling.ScaleDownDelay = "333ms";
            s.Scaling.Ratio = new RatioSpec { Min = 0.25, Max = 4 };
        });

        var bounds = SpecMapping.ToBounds(deployment.Spec);

        Assert.Equal(new RoleBounds(2, 13, new Tandem.Scaling.Policies.Band(0.5, 0.8)), bounds.Prefill);
        Assert.Equal(new Tandem.Scaling.Policies.Band(0.45, 0.8), bounds.Decode.Utilization);
        Assert.Equal(TimeSpan.FromMilliseconds(333), bounds.ScaleDownDelay);
        Assert.Equal(new RatioGuard(0.25, 4), bounds.Ratio);
        Assert.Equal(ScalingFeatures.Mutate | ScalingFeatures.FastLoad, bounds.Features);
    }

    [Fact]
    public void External_mode_pins_each_role_to_its_pool_replicas_clamped_to_the_bounds()
    {
        var deployment = TestObjects.Deployment(edit: s => s.Scaling.Decode = new RoleScaling { Min = 1, Max = 4 });

        var bounds = SpecMapping.ToBounds(deployment.Spec, externalPrefill: 3, externalDecode: 9);

        Assert.Equal((3, 3), (bounds.Prefill.Min, bounds.Prefill.Max));
        Assert.Equal((4, 4), (bounds.Decode.Min, bounds.Decode.Max));
    }

    [Fact]
    public void On_vllm_mutate_stays_on_as_a_membership_change_and_fast_load_falls_back_to_the_next_tier()
    {
        var deployment = TestObjects.Deployment(edit: s => s.Engine.Adapter = EngineAdapter.Vllm);

        var features = SpecMapping.ToBounds(deployment.Spec).Features;

        Assert.True(features.HasFlag(ScalingFeatures.Mutate));
        Assert.False(features.HasFlag(ScalingFeatures.FastLoad));
        Assert.True(SpecMapping.ToBounds(TestObjects.Deployment().Spec).Features.HasFlag(ScalingFeatures.FastLoad));
    }

    [Fact]
    public void Model_numbers_come_from_the_profile()
    {
        var model = SpecMapping.ToModelNumbers(TestObjects.Profile());

        Assert.Equal((12000.0, 60000.0, 30000, 2), (model.PrefillTokensPerSecond, model.TransferTokensPerSecond, model.KvBlocksPerInstance, model.GpusPerInstance));
        Assert.Equal(TimeSpan.FromSeconds(1), model.LoadFromPeer);
        Assert.Equal(TimeSpan.FromSeconds(30), model.ColdStart);
    }

    [Fact]
    public void Cold_start_comes_from_the_profile_and_a_bad_one_is_named()
    {
        var profile = TestObjects.Profile();
        profile.Spec.LoadTime.ColdStart = "45s";

        Assert.Equal(TimeSpan.FromSeconds(45), SpecMapping.ToModelNumbers(profile).ColdStart);
        profile.Spec.LoadTime.ColdStart = "soon";
        Assert.Contains("spec.loadTime.coldStart", Assert.Throws<FormatException>(() => SpecMapping.ToModelNumbers(profile)).Message);
    }

    [Fact]
    public void Validation_names_a_missing_profile_and_a_broken_rule()
    {
        var missing = DeploymentValidation.Check(TestObjects.Deployment(), profile: null);
        var broken = DeploymentValidation.Check(TestObjects.Deployment(edit: s => s.Scaling.Prefill = new RoleScaling { Min = 5, Max = 2 }), TestObjects.Profile());

        Assert.Equal("ModelProfileNotFound", missing!.Value.Reason);
        Assert.Contains("spec.model", missing.Value.Message);
        Assert.Equal("InvalidSpec", broken!.Value.Reason);
        Assert.Contains("spec.scaling.prefill: Invalid value: \"object\": min (5) must be less than or equal to max (2)", broken.Value.Message);
        Assert.Null(DeploymentValidation.Check(TestObjects.Deployment(), TestObjects.Profile()));
    }
}
