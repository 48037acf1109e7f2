namespace Tandem.Api.Schema;

/// <summary>
/// One validation failure: the field path (<c>spec.scaling.prefill.min</c>), the rule broken (a schema keyword such as
/// <c>minimum</c>, or a CEL rule), and a message in the apiserver's words.
/// </summary>
public sealed record FieldError(string Path, string Rule, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}
