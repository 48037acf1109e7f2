using System.Globalization;
using System.Text.Json.Nodes;
using Tandem.Api.Serialization;

namespace Tandem.Api.Validation;

/// <summary>
/// The catalogue of Tandem's cross-field rules. The CRD generator writes each rule's CEL; the operator and the API
/// emulator evaluate the C# twin (no CEL engine is available as a package here), found by its CEL text.
/// </summary>
public static class ValidationRules
{
    public const string MinAtMostMax = "min-at-most-max";
    public const string LowerBelowUpper = "lower-below-upper";
    public const string DecodeBandIsFraction = "decode-band-is-fraction";
    public const string NativeNeedsImage = "native-needs-image";
    public const string TemplateLabelsNotTandem = "template-labels-not-tandem";

    /// <summary>Every rule, by id.</summary>
    public static IReadOnlyDictionary<string, ValidationRule> ById { get; } = new ValidationRule[]
    {
        new(MinAtMostMax,
            "!has(self.min) || !has(self.max) || self.min <= self.max",
            "min must be less than or equal to max",
            self => !(Number(self, "min") is { } min && Number(self, "max") is { } max) || min <= max)
        {
            Explain = self => $"min ({Text(self, "min")}) must be less than or equal to max ({Text(self, "max")})",
        },
        new(LowerBelowUpper,
            "self.lower < self.upper",
            "lower must be less than upper",
            self => !(Number(self, "lower") is { } lower && Number(self, "upper") is { } upper) || lower < upper)
        {
            Explain = self => $"lower ({Text(self, "lower")}) must be less than upper ({Text(self, "upper")})",
        },
        new(DecodeBandIsFraction,
            "!has(self.decode) || !has(self.decode.utilization) || self.decode.utilization.upper <= 1.0",
            "decode utilization is KV-cache occupancy, so decode.utilization.upper must be at most 1",
            self => Number(self["decode"]?["utilization"] as JsonObject, "upper") is not { } upper || upper <= 1.0),
        new(NativeNeedsImage,
            "!has(self.adapter) || self.adapter != 'native' || has(self.image)",
            "adapter native needs an image of an engine that implements EngineControl (vllm and mock have their own)",
            self => self["adapter"]?.GetValue<string>() != "native" || self["image"] is not null),
        new(TemplateLabelsNotTandem,
            "!has(self.labels) || self.labels.all(k, !k.startsWith('serving.tandem.dev/'))",
            "labels under serving.tandem.dev/ are set by Tandem (role, state, deployment) and cannot come from the template",
            self => self["labels"] is not JsonObject labels || labels.All(l => !l.Key.StartsWith("serving.tandem.dev/", StringComparison.Ordinal)))
        {
            Explain = self => $"labels {string.Join(", ", (self["labels"] as JsonObject ?? []).Select(l => l.Key).Where(k => k.StartsWith("serving.tandem.dev/", StringComparison.Ordinal)))} are under serving.tandem.dev/, which Tandem sets (role, state, deployment); remove them from the template",
        },
    }.ToDictionary(r => r.Id);

    /// <summary>Every rule, by its CEL text (how the emulator finds the check for a CRD's rule).</summary>
    public static IReadOnlyDictionary<string, ValidationRule> ByCel { get; } = ById.Values.ToDictionary(r => r.Cel);

    private static double? Number(JsonObject? self, string name) => JsonNumbers.AsDouble(self?[name]);

    private static string Text(JsonObject self, string name) =>
        Number(self, name)?.ToString(CultureInfo.InvariantCulture) ?? "unset";
}
