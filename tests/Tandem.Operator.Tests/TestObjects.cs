using k8s;
using k8s.Models;
using Tandem.Api.V1Alpha1;

namespace Tandem.Operator.Tests;

/// <summary>Objects as the API server would hold them after defaulting.</summary>
internal static class TestObjects
{
    public static ModelProfile Profile(string name = "llama3-8b") => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default", Uid = "mp-uid" },
        Spec = new ModelProfileSpec
        {
            Source = new ModelSource { Uri = "hf://meta-llama/Meta-Llama-3-8B-Instruct" },
            TensorParallelSize = 2,
            NumHiddenLayers = 32,
            KvCacheBlocks = 30000,
            Throughput = new ModelThroughput { PrefillTokensPerSecond = 12000, TransferTokensPerSecond = 60000 },
        },
    };

    public static InferenceDeployment Deployment(string name = "chat", Action<InferenceDeploymentSpec>? edit = null)
    {
        var deployment = new InferenceDeployment
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default", Uid = "infd-uid", Generation = 3 },
            Spec = new InferenceDeploymentSpec { Model = "llama3-8b", Features = [Feature.Mutate, Feature.FastLoad] },
        };
        // The mock engine, named explicitly as every emulator deployment must; vLLM tests set the adapter back.
        deployment.Spec.Engine.Adapter = EngineAdapter.Mock;
        edit?.Invoke(deployment.Spec);
        return KubernetesJson.Deserialize<InferenceDeployment>(KubernetesJson.Serialize(deployment));
    }
}
