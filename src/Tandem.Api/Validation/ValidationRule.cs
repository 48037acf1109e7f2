using System.Text.Json.Nodes;

namespace Tandem.Api.Validation;

/// <summary>
/// One validation rule, defined once: the CEL expression the CRD carries (<c>x-kubernetes-validations</c>) and the C#
/// check that means the same thing, evaluated on the JSON of the object the rule is attached to (CEL's <c>self</c>).
/// </summary>
public sealed record ValidationRule(string Id, string Cel, string Message, Func<JsonObject, bool> Holds)
{
    /// <summary>
    /// The field the error names, relative to the object the rule is attached to (CEL's <c>fieldPath</c>, e.g.
    /// <c>.metadata.name</c>); the object itself when null.
    /// </summary>
    public string? FieldPath { get; init; }

    /// <summary>Builds the message with the offending values, for error reports.</summary>
    public Func<JsonObject, string>? Explain { get; init; }

    /// <summary>The message to report for <paramref name="self"/>.</summary>
    public string MessageFor(JsonObject self) => Explain?.Invoke(self) ?? Message;
}
