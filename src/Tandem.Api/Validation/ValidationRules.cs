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
    public const string MutateNeedsNativeAdapter = "mutate-needs-native-adapter";

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
        new(MutateNeedsNativeAdapter,
            "!has(self.features) || !self.features.exists(f, f == 'mutate') || !has(self.engine) || !has(self.engine.adapter) || self.engine.adapter != 'vllm'",
            "feature mutate needs engine.adapter native: the vllm adapter cannot change an instance's role",
            self => !(self["features"] is JsonArray features && features.Any(f => f?.GetValue<string>() == "mutate")
                      && self["engine"]?["adapter"]?.GetValue<string>() == "vllm")),
    }.ToDictionary(r => r.Id);

    /// <summary>Every rule, by its CEL text (how the emulator finds the check for a CRD's rule).</summary>
    public static IReadOnlyDictionary<string, ValidationRule> ByCel { get; } = ById.Values.ToDictionary(r => r.Cel);

    private static double? Number(JsonObject? self, string name) => JsonNumbers.AsDouble(self?[name]);

    private static string Text(JsonObject self, string name) =>
        Number(self, name)?.ToString(CultureInfo.InvariantCulture) ?? "unset";
}
