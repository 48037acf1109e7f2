namespace Tandem.Emulator.Storage;

/// <summary>Per-request settings that store hooks need but the store API does not carry (flows with the async call).</summary>
public static class RequestContext
{
    private static readonly AsyncLocal<string?> Validation = new();

    /// <summary>The request's fieldValidation parameter: Strict, Warn or Ignore (null = not given, i.e. Warn).</summary>
    public static string? FieldValidation
    {
        get => Validation.Value;
        set => Validation.Value = value;
    }
}
