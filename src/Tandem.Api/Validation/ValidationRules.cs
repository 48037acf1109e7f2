using System.Globalization;
using System.Text.Json.Nodes;
using Tandem.Api.Schema;
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
    public const string NameFitsChildren = "name-fits-children";
    public const string EnginePortsDistinct = "engine-ports-distinct";
    public const string RouterPortsDistinct = "router-ports-distinct";
    public const string IntervalInRange = "interval-in-range";
    public const string ScaleDownDelayInRange = "scale-down-delay-in-range";
    public const string IdleTimeoutInRange = "idle-timeout-in-range";

    /// <summary>
    /// Longest InferenceDeployment name: its Services are named <c>&lt;name&gt;-prefill</c>, <c>-decode</c> and
    /// <c>-router</c>, and a Service name is a DNS-1035 label of at most 63 characters.
    /// </summary>
    public const int MaxDeploymentNameLength = 63 - 8;

    /// <summary>Shortest and longest decision period: shorter is a hot loop on the engines, longer never reacts to a burst.</summary>
    public static readonly (TimeSpan Min, TimeSpan Max) IntervalRange = (TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1));

    /// <summary>Longest scale-down delay or standby idle timeout: beyond a day a GPU is never given back in practice.</summary>
    public static readonly TimeSpan LongestHold = TimeSpan.FromHours(24);

    private const string Dns1035Label = "^[a-z]([-a-z0-9]*[a-z0-9])?$";
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
        new(NameFitsChildren,
            $"self.metadata.name.size() <= {MaxDeploymentNameLength} && self.metadata.name.matches('{Dns1035Label}')",
            $"must be a DNS-1035 label (lower-case letters, digits and '-', starting with a letter) of at most {MaxDeploymentNameLength} characters, so that its Services <name>-prefill, <name>-decode and <name>-router are valid names",
            self => self["metadata"]?["name"]?.GetValue<string>() is not { } name
                    || (name.Length <= MaxDeploymentNameLength && System.Text.RegularExpressions.Regex.IsMatch(name, Dns1035Label)))
        {
            FieldPath = ".metadata.name",
        },
        new(EnginePortsDistinct,
            "!has(self.control) || ((!has(self.serving) || self.control != self.serving) && (!has(self.metrics) || self.control != self.metrics))",
            "control must differ from serving and metrics: the control port speaks gRPC, the serving and metrics ports HTTP (those two may share a port)",
            self => Number(self, "control") is not { } control
                    || (Number(self, "serving") != control && Number(self, "metrics") != control))
        {
            FieldPath = ".control",
            Explain = self => $"control ({Text(self, "control")}) must differ from serving ({Text(self, "serving")}) and metrics ({Text(self, "metrics")}): the control port speaks gRPC, the serving and metrics ports HTTP",
        },
        new(RouterPortsDistinct,
            "!has(self.port) || !has(self.controlPort) || self.port != self.controlPort",
            "controlPort must differ from port: the router serves HTTP on port and gRPC control on controlPort",
            self => !(Number(self, "port") is { } port && Number(self, "controlPort") is { } control) || port != control)
        {
            FieldPath = ".controlPort",
        },
        DurationRule(IntervalInRange, "interval", IntervalRange.Min, IntervalRange.Max,
            "a shorter period is a hot loop on the engines, a longer one never reacts to a burst"),
        DurationRule(ScaleDownDelayInRange, "scaleDownDelay", TimeSpan.Zero, LongestHold,
            "a longer delay never gives a GPU back"),
        DurationRule(IdleTimeoutInRange, "idleTimeout", TimeSpan.Zero, LongestHold,
            "a longer timeout never gives a GPU back"),
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

    /// <summary>A duration field of the object must lie in [min, max] (CEL's duration(); unparseable text is the pattern's error).</summary>
    private static ValidationRule DurationRule(string id, string field, TimeSpan min, TimeSpan max, string why)
    {
        var (low, high) = (GoText(min), GoText(max));
        return new ValidationRule(id,
            $"!has(self.{field}) || (duration(self.{field}) >= duration('{low}') && duration(self.{field}) <= duration('{high}'))",
            $"{field} must be between {low} and {high}: {why}",
            self => self[field]?.GetValue<string>() is not { } text || !GoDuration.TryParse(text, out var value) || (value >= min && value <= max))
        {
            FieldPath = "." + field,
            Explain = self => $"{field} ({self[field]}) must be between {low} and {high}: {why}",
        };
    }

    /// <summary>A whole-unit Go duration (CEL's duration() takes the same text).</summary>
    private static string GoText(TimeSpan value) =>
        value == TimeSpan.Zero ? "0s"
        : value.TotalHours % 1 == 0 ? $"{value.TotalHours:0}h"
        : value.TotalMinutes % 1 == 0 ? $"{value.TotalMinutes:0}m"
        : value.TotalSeconds % 1 == 0 ? $"{value.TotalSeconds:0}s"
        : $"{value.TotalMilliseconds:0}ms";

    private static string Text(JsonObject self, string name) =>
        Number(self, name)?.ToString(CultureInfo.InvariantCulture) ?? "unset";
}
