namespace Tandem.Api.V1Alpha1;

/// <summary>The API group and version of every Tandem kind.</summary>
public static class ApiGroup
{
    public const string Group = "serving.tandem.dev";
    public const string Version = "v1alpha1";
    public const string GroupVersion = Group + "/" + Version;
    public const string Category = "tandem";
}
