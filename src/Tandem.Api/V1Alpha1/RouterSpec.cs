using Tandem.Api.Schema;
using Tandem.Api.Validation;

namespace Tandem.Api.V1Alpha1;

/// <summary>The P/D router: the single entry point of a deployment's requests.</summary>
[Rule(ValidationRules.RouterPortsDistinct)]
public sealed class RouterSpec
{
    /// <summary>Router image; the default runs Tandem's router.</summary>
    [Default(Defaults.Image), MinLength(1)]
    public string Image { get; set; } = Defaults.Image;

    /// <summary>Router pods (they share membership; more than one for availability).</summary>
    [Default(1), Minimum(1), Maximum(16)]
    public int Replicas { get; set; } = 1;

    /// <summary>OpenAI-compatible HTTP port of the router and its Service.</summary>
    [Default(DefaultPorts.RouterHttp), Minimum(1), Maximum(65535)]
    public int Port { get; set; } = DefaultPorts.RouterHttp;

    /// <summary>RouterControl gRPC port (membership and load).</summary>
    [Default(DefaultPorts.RouterControl), Minimum(1), Maximum(65535)]
    public int ControlPort { get; set; } = DefaultPorts.RouterControl;

    /// <summary>How the router picks an instance of each role.</summary>
    [DefaultJson("{}")]
    public InstanceChoiceSpec InstanceChoice { get; set; } = new();
}

/// <summary>Instance choice per role.</summary>
public sealed class InstanceChoiceSpec
{
    /// <summary>round-robin, random, least-loaded or prefix.</summary>
    [Default("least-loaded")]
    public InstanceChoice Prefill { get; set; } = InstanceChoice.LeastLoaded;

    /// <summary>round-robin, random, least-loaded or prefix.</summary>
    [Default("least-loaded")]
    public InstanceChoice Decode { get; set; } = InstanceChoice.LeastLoaded;
}
