namespace Tandem.Api.V1Alpha1;

/// <summary>Labels and annotations Tandem sets on the objects it manages.</summary>
public static class WellKnownLabels
{
    /// <summary>The instance's role (<c>prefill</c> or <c>decode</c>); routers that follow EndpointSlices select on it.</summary>
    public const string Role = ApiGroup.Group + "/role";

    /// <summary>The instance's lifecycle state (<c>standby</c>, <c>loading</c>, <c>active</c>, <c>draining</c>, <c>warm</c>).</summary>
    public const string State = ApiGroup.Group + "/state";

    /// <summary>The InferenceDeployment an object belongs to.</summary>
    public const string Deployment = ApiGroup.Group + "/deployment";

    /// <summary>The component: <c>engine</c> or <c>router</c>.</summary>
    public const string Component = "app.kubernetes.io/component";

    public const string Name = "app.kubernetes.io/name";
    public const string Instance = "app.kubernetes.io/instance";
    public const string ManagedBy = "app.kubernetes.io/managed-by";
    public const string PartOf = "app.kubernetes.io/part-of";

    /// <summary>The value of <see cref="ManagedBy"/> on everything the operator creates.</summary>
    public const string Manager = "tandem-operator";
}
