using System.Globalization;
using k8s.Models;
using Tandem.Api.V1Alpha1;

namespace Tandem.Operator.Instances;

/// <summary>
/// An engine container's resources: GPUs as requests and limits, CPU and memory as given (request and limit) or, when
/// unset, a request sized for the engine so the pod is never QoS BestEffort (the first evicted under node pressure).
/// </summary>
public static class EngineResourceDefaults
{
    /// <summary>CPU and memory requested by default: vLLM's API server, tokenizer and scheduler processes need real CPU and host memory.</summary>
    public static (string Cpu, string Memory) For(EngineAdapter adapter) => adapter switch
    {
        EngineAdapter.Vllm => ("4", "16Gi"),
        EngineAdapter.Mock => ("100m", "256Mi"),
        _ => ("1", "4Gi"),
    };

    /// <summary>The resource requirements of the engine container of <paramref name="engine"/> with <paramref name="gpus"/> GPUs.</summary>
    public static V1ResourceRequirements Build(EngineSpec engine, int gpus)
    {
        var limits = new Dictionary<string, ResourceQuantity>();
        var requests = new Dictionary<string, ResourceQuantity>();
        if (gpus > 0)
        {
            var count = new ResourceQuantity(gpus.ToString(CultureInfo.InvariantCulture));
            limits[engine.Resources.GpuResourceName] = count;
            requests[engine.Resources.GpuResourceName] = count;
        }

        var (cpu, memory) = For(engine.Adapter);
        Set("cpu", engine.Resources.Cpu, cpu);
        Set("memory", engine.Resources.Memory, memory);
        return new V1ResourceRequirements { Limits = limits, Requests = requests };

        void Set(string name, string? given, string fallback)
        {
            // A value the user gave is request and limit (the field's documented meaning); a default is a request only.
            requests[name] = new ResourceQuantity(given ?? fallback);
            if (given is not null)
            {
                limits[name] = new ResourceQuantity(given);
            }
        }
    }
}
