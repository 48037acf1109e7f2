namespace Tandem.Api.V1Alpha1;

/// <summary>Environment variables the operator sets on engine pods and the engine reads at start.</summary>
public static class PodEnvironment
{
    /// <summary>The pod's IP (from <c>status.podIP</c>); the container args refer to it as <c>$(POD_IP)</c>.</summary>
    public const string PodIp = "POD_IP";

    /// <summary>The ModelProfile spec as JSON.</summary>
    public const string ModelProfile = "TANDEM_MODEL_PROFILE";

    /// <summary>The ModelProfile's name, reported as the model in responses and metrics.</summary>
    public const string Model = "TANDEM_MODEL";

    /// <summary>The deployment's features, comma-separated.</summary>
    public const string Features = "TANDEM_FEATURES";
}
