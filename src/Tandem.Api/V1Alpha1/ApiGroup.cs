namespace Tandem.Api.V1Alpha1;

/// <summary>The API group and version of every Tandem kind.</summary>
public static class ApiGroup
{
    public const string Group = "serving.tandem.dev";
    public const string Version = "v1alpha1";
    public const string GroupVersion = Group + "/" + Version;
    public const string Category = "tandem";

    /// <summary>
    /// The schema default of a status the operator has not written yet: generation starts at 1, so kstatus (helm 4
    /// --wait, Flux, Argo CD's generic check) reads "generation 1, observed 0" as in progress instead of current.
    /// </summary>
    public const string UnobservedStatus = """{"observedGeneration":0}""";
}
