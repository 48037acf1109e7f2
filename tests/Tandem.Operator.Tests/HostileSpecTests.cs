using k8s.Models;
using Tandem.Api.V1Alpha1;
using Tandem.Operator.Specs;

namespace Tandem.Operator.Tests;

/// <summary>
/// The "accepted, then failing silently" specs, as the operator sees them when admission did not stop them
/// (an object stored before the CRD's rules, or a CRD installed without them): each is refused as InvalidSpec naming the
/// field, which stops the autoscaler for that deployment (running pods are left alone) and reports Stalled.
/// </summary>
public class HostileSpecTests
{
    public static TheoryData<string, string> Specs() => new()
    {
        { "resources.cpu: lots", "spec.engine.resources.cpu" },
        { "a 64-character name", "metadata.name" },
        { "serving port = control port", "spec.engine.ports" },
        { "interval 0s", "spec.scaling.interval" },
        { "interval 9999999h", "spec.scaling.interval" },
        { "prefill min 0", "spec.scaling.prefill" },
    };

    [Theory]
    [MemberData(nameof(Specs))]
    public void A_hostile_spec_is_refused_by_the_operator_as_InvalidSpec_naming_the_field(string spec, string field)
    {
        var deployment = TestObjects.Deployment(edit: s =>
        {
            switch (spec)
            {
                case "resources.cpu: lots": s.Engine.Resources.Cpu = "lots"; break;
                case "serving port = control port": s.Engine.Ports.Control = s.Engine.Ports.Serving; break;
                case "interval 0s": s.Scaling.Interval = "0s"; break;
                case "interval 9999999h": s.Scaling.Interval = "9999999h"; break;
                case "prefill min 0": s.Scaling.Prefill = new RoleScaling { Min = 0, Max = 2 }; break;
            }
        });
        if (spec == "a 64-character name")
        {
            deployment.Metadata = new V1ObjectMeta { Name = new string('a', 64), NamespaceProperty = "default", Uid = "u", Generation = 1 };
        }

        var problem = DeploymentValidation.Check(deployment, TestObjects.Profile());

        Assert.NotNull(problem);
        Assert.Equal("InvalidSpec", problem.Value.Reason);
        Assert.Contains(field, problem.Value.Message, StringComparison.Ordinal);
    }
}
