using Tandem.Api.V1Alpha1;

namespace Tandem.Operator.Instances;

/// <summary>The image and control port an engine pod gets from its adapter: one place for both facts.</summary>
public static class EngineImage
{
    /// <summary>engine.image, else the adapter's own (vllm: the pinned vLLM image; mock: Tandem's image).</summary>
    public static string Resolve(EngineSpec engine) => engine.Image ?? engine.Adapter switch
    {
        EngineAdapter.Vllm => Defaults.VllmImage,
        EngineAdapter.Mock => Defaults.Image,
        _ => throw new InvalidOperationException("engine.image: adapter native needs an image of an engine that implements EngineControl"),
    };

    /// <summary>The port the operator controls an engine on: vLLM has no separate control port (its dev-mode endpoints share the serving port).</summary>
    public static int ControlPort(EngineSpec engine) => engine.Adapter == EngineAdapter.Vllm ? engine.Ports.Serving : engine.Ports.Control;
}
