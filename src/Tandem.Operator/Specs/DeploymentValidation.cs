using Tandem.Api.Schema;
using Tandem.Api.V1Alpha1;
using Tandem.Api.Validation;
using Tandem.Operator.Instances;

namespace Tandem.Operator.Specs;

/// <summary>
/// The operator's re-check of an InferenceDeployment and its ModelProfile before acting: the CRD's own schema and rules
/// plus what only the operator can check (the profile exists, durations parse). A problem stops the autoscaler for that
/// deployment and is reported as InvalidSpec; running pods are left alone.
/// </summary>
public static class DeploymentValidation
{
    /// <summary>A reason and message when the deployment cannot be acted on, or null when it can.</summary>
    public static (string Reason, string Message)? Check(InferenceDeployment deployment, ModelProfile? profile)
    {
        var errors = ApiValidator.Validate(deployment);
        if (errors.Count > 0)
        {
            return ("InvalidSpec", ApiValidator.Describe(errors));
        }

        if (profile is null)
        {
            return ("ModelProfileNotFound", $"spec.model: ModelProfile '{deployment.Spec.Model}' not found in namespace {deployment.Metadata.NamespaceProperty}");
        }

        var profileErrors = ApiValidator.Validate(profile);
        if (profileErrors.Count > 0)
        {
            return ("InvalidSpec", $"ModelProfile {profile.Metadata.Name}: {ApiValidator.Describe(profileErrors)}");
        }

        if (EnginePodBuilder.Check(deployment, profile) is { Count: > 0 } podProblems)
        {
            return ("InvalidSpec", string.Join("; ", podProblems));
        }

        try
        {
            _ = SpecMapping.ToBounds(deployment.Spec);
            _ = SpecMapping.ToModelNumbers(profile);
            _ = SpecMapping.Interval(deployment.Spec);
        }
        catch (Exception error) when (error is FormatException or ArgumentException)
        {
            return ("InvalidSpec", error.Message);
        }

        return null;
    }
}
