using System.Reflection;
using System.Text.Json.Nodes;
using k8s;
using Tandem.Api.Schema;
using Tandem.Api.V1Alpha1;

namespace Tandem.Api.Tests;

public class DefaultsTests
{
    public static TheoryData<Type> SpecTypes => new()
    {
        typeof(ModelProfileSpec), typeof(InferenceDeploymentSpec), typeof(EngineSpec), typeof(RouterSpec),
        typeof(ScalingSpec), typeof(RoleScaling), typeof(StandbySpec), typeof(EnginePoolSpec), typeof(LoadTimeHints),
        typeof(ModelSlo), typeof(ModelThroughput), typeof(BatchingSpec), typeof(KvTransferSpec), typeof(EnginePorts),
    };

    [Theory]
    [MemberData(nameof(SpecTypes))]
    public void Every_schema_default_equals_the_csharp_initializer(Type type)
    {
        // The schema default (defaulted itself, as the apiserver does) must be what `new T()` holds, so an object
        // read from the cluster and one built in C# agree.
        var schema = new CrdGenerator(XmlDocs.Empty).RootSchema(typeof(Holder<>).MakeGenericType(type));
        var instance = JsonNode.Parse(KubernetesJson.Serialize(Activator.CreateInstance(type)))!.AsObject();
        var propertiesSchema = schema["properties"]!["value"]!["properties"]!.AsObject();
        foreach (var property in type.GetProperties().Where(p => p.GetCustomAttribute<DefaultAttribute>() is not null || p.GetCustomAttribute<DefaultJsonAttribute>() is not null))
        {
            var name = char.ToLowerInvariant(property.Name[0]) + property.Name[1..];
            var propertySchema = propertiesSchema[name]!.AsObject();
            var expected = propertySchema["default"]!.DeepClone();
            StructuralSchema.ApplyDefaults(expected, propertySchema);

            Assert.True(JsonNode.DeepEquals(expected, instance[name]), $"{type.Name}.{property.Name}: schema default {expected.ToJsonString()} but initializer {instance[name]?.ToJsonString()}");
        }
    }

    [Fact]
    public void An_empty_spec_defaults_to_the_documented_bands()
    {
        var manifest = Manifests.Yaml("apiVersion: serving.tandem.dev/v1alpha1\nkind: InferenceDeployment\nmetadata: {name: x}\nspec: {model: m}\n");

        Assert.Empty(Manifests.AdmitLikeApiServer(manifest));
        var deployment = KubernetesJson.Deserialize<InferenceDeployment>(manifest.ToJsonString());

        Assert.Equal((0.15, 0.4), (deployment.Spec.Scaling.Prefill.Utilization!.Lower, deployment.Spec.Scaling.Prefill.Utilization.Upper));
        Assert.Equal((0.45, 0.8), (deployment.Spec.Scaling.Decode.Utilization!.Lower, deployment.Spec.Scaling.Decode.Utilization.Upper));
        Assert.Equal("1500ms", deployment.Spec.Scaling.ScaleDownDelay);
        Assert.Equal(11236, deployment.Spec.Router.Port);
        Assert.Equal(InstanceChoice.LeastLoaded, deployment.Spec.Router.InstanceChoice.Prefill);
    }

    /// <summary>Wraps a type so the generator gives its schema as a property.</summary>
    private sealed class Holder<T>
    {
        public T? Value { get; set; }
    }
}
