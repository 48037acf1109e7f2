using k8s;
using Tandem.Api.Schema;
using Tandem.Api.V1Alpha1;
using Tandem.Api.Validation;

namespace Tandem.Api.Tests;

/// <summary>Every rule, broken once, through both paths: the apiserver's (CRD schema) and the operator's (typed object).</summary>
public class ValidationRuleTests
{
    private const string Valid = """
        apiVersion: serving.tandem.dev/v1alpha1
        kind: InferenceDeployment
        metadata: {name: chat, namespace: default}
        spec:
          model: llama3-8b
          scaling:
            prefill: {min: 1, max: 4, utilization: {lower: 0.15, upper: 0.4}}
            decode: {min: 1, max: 4, utilization: {lower: 0.45, upper: 0.8}}
        """;

    private static readonly string MinMax = ValidationRules.ById[ValidationRules.MinAtMostMax].Cel;

    public static TheoryData<string, string, string, string> BrokenSpecs => new()
    {
        // edit (a YAML fragment replacing the scaling block), field path, rule, words in the message
        { "prefill: {min: 5, max: 3}", "spec.scaling.prefill", MinMax, "min (5) must be less than or equal to max (3)" },
        { "decode: {utilization: {lower: 0.9, upper: 0.5}}", "spec.scaling.decode.utilization", "self.lower < self.upper", "lower (0.9) must be less than upper (0.5)" },
        { "migration: {lower: 0.4, upper: 0.4}", "spec.scaling.migration", "self.lower < self.upper", "lower (0.4) must be less than upper (0.4)" },
        { "ratio: {min: 3, max: 1}", "spec.scaling.ratio", MinMax, "min (3) must be less than or equal to max (1)" },
        { "decode: {utilization: {lower: 0.5, upper: 1.5}}", "spec.scaling", ValidationRules.ById[ValidationRules.DecodeBandIsFraction].Cel, "decode.utilization.upper must be at most 1" },
        { "prefill: {min: 0}", "spec.scaling.prefill.min", "minimum", "should be greater than or equal to 1" },
        { "prefill: {utilization: {lower: -0.1, upper: 0.4}}", "spec.scaling.prefill.utilization.lower", "minimum", "should be greater than or equal to 0" },
        { "ratio: {min: 0}", "spec.scaling.ratio.min", "minimum", "should be greater than 0" },
        { "mode: auto", "spec.scaling.mode", "enum", "supported values: \"operator\", \"external\"" },
        { "interval: soon", "spec.scaling.interval", "pattern", "should match" },
        { "prefill: {utilization: {lower: 0.1}}", "spec.scaling.prefill.utilization.upper", "required", "Required value" },
        { "interval: 0s", "spec.scaling.interval", Cel(ValidationRules.IntervalInRange), "interval (0s) must be between 100ms and 1h" },
        { "interval: 9999999h", "spec.scaling.interval", Cel(ValidationRules.IntervalInRange), "must be between 100ms and 1h" },
        { "scaleDownDelay: 48h", "spec.scaling.scaleDownDelay", Cel(ValidationRules.ScaleDownDelayInRange), "scaleDownDelay (48h) must be between 0s and 24h" },
        { "standby: {idleTimeout: 9999999h}", "spec.scaling.standby.idleTimeout", Cel(ValidationRules.IdleTimeoutInRange), "must be between 0s and 24h" },
    };

    /// <summary>Specs that pass each field's own check but would break a running deployment: refused at admission.</summary>
    public static TheoryData<string, string, string, string> BrokenShapes => new()
    {
        // edit (a YAML fragment added under spec, or a new metadata line), field path, rule, words in the message
        { "  engine: {ports: {serving: 9000, control: 9000}}", "spec.engine.ports.control", Cel(ValidationRules.EnginePortsDistinct), "control (9000) must differ from serving (9000)" },
        { "  engine: {ports: {metrics: 9001, control: 9001}}", "spec.engine.ports.control", Cel(ValidationRules.EnginePortsDistinct), "must differ from serving (8000) and metrics (9001)" },
        { "  router: {port: 8080, controlPort: 8080}", "spec.router.controlPort", Cel(ValidationRules.RouterPortsDistinct), "controlPort must differ from port" },
        { "  engine: {resources: {cpu: lots}}", "spec.engine.resources.cpu", "pattern", "should match" },
        { "  engine: {resources: {memory: 32 GB}}", "spec.engine.resources.memory", "pattern", "should match" },
        { "metadata: {name: " + new string('a', 56) + ", namespace: default}", "metadata.name", Cel(ValidationRules.NameFitsChildren), "at most 55 characters" },
        { "metadata: {name: chat.v1, namespace: default}", "metadata.name", Cel(ValidationRules.NameFitsChildren), "DNS-1035 label" },
    };

    [Theory]
    [MemberData(nameof(BrokenShapes))]
    public void A_spec_that_would_break_a_running_deployment_is_refused_on_both_paths(string edit, string path, string rule, string words)
    {
        var manifest = Manifests.Yaml(edit.StartsWith("metadata:", StringComparison.Ordinal)
            ? Valid.Replace("metadata: {name: chat, namespace: default}", edit)
            : Valid + "\n" + edit + "\n");

        var admitted = Assert.Single(Manifests.AdmitLikeApiServer(manifest));
        Assert.Equal((path, rule), (admitted.Path, admitted.Rule));
        Assert.Contains(words, admitted.Message);

        if (rule != "pattern")
        {
            StructuralSchema.ApplyDefaults(manifest, Manifests.CommittedSchema("InferenceDeployment"));
            var checkedByOperator = Assert.Single(ApiValidator.Validate(KubernetesJson.Deserialize<InferenceDeployment>(manifest.ToJsonString())));
            Assert.Equal((path, rule), (checkedByOperator.Path, checkedByOperator.Rule));
        }
    }

    [Theory]
    [InlineData("chat", true)]
    [InlineData("llama-3-8b-instruct", true)]
    [InlineData("a", true)]
    [InlineData("7b", false)]
    [InlineData("chat-", false)]
    [InlineData("Chat", false)]
    public void Deployment_names_must_make_valid_Service_names(string name, bool valid)
    {
        var manifest = Manifests.Yaml(Valid.Replace("name: chat,", $"name: {name},"));

        Assert.Equal(valid, Manifests.AdmitLikeApiServer(manifest).Count == 0);
    }

    [Theory]
    [MemberData(nameof(BrokenSpecs))]
    public void Apiserver_path_rejects_a_bad_value_naming_the_field_and_rule(string scalingEdit, string path, string rule, string words)
    {
        var manifest = Manifests.Yaml(WithScaling(scalingEdit));

        var errors = Manifests.AdmitLikeApiServer(manifest);

        var error = Assert.Single(errors);
        Assert.Equal(path, error.Path);
        Assert.Equal(rule, error.Rule);
        Assert.Contains(words, error.Message);
        Assert.StartsWith(path + ": ", error.ToString());
    }

    /// <summary>The broken specs a typed C# object can hold (a missing required number or an unknown enum cannot be).</summary>
    public static TheoryData<string, string, string, string> TypedBrokenSpecs()
    {
        var data = new TheoryData<string, string, string, string>();
        foreach (var row in BrokenSpecs.Where(r => (string)r[2] is not ("required" or "enum")))
        {
            data.Add((string)row[0], (string)row[1], (string)row[2], (string)row[3]);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(TypedBrokenSpecs))]
    public void Operator_path_reports_the_same_error_for_a_typed_object(string scalingEdit, string path, string rule, string words)
    {
        // Defaults first, as the apiserver would have applied them, then the typed object the operator reads.
        var manifest = Manifests.Yaml(WithScaling(scalingEdit));
        StructuralSchema.ApplyDefaults(manifest, Manifests.CommittedSchema("InferenceDeployment"));
        var deployment = KubernetesJson.Deserialize<InferenceDeployment>(manifest.ToJsonString());

        var errors = ApiValidator.Validate(deployment);

        var error = Assert.Single(errors);
        Assert.Equal((path, rule), (error.Path, error.Rule));
        Assert.Contains(words, error.Message);
    }

    [Fact]
    public void Native_adapter_without_an_image_is_refused_in_plain_words()
    {
        var manifest = Manifests.Yaml(Valid + "\n  engine: {adapter: native}\n");

        var error = Assert.Single(Manifests.AdmitLikeApiServer(manifest));

        Assert.Equal("spec.engine", error.Path);
        Assert.Contains("adapter native needs an image", error.Message);
    }

    [Fact]
    public void Template_labels_under_tandems_prefix_are_refused_naming_the_label()
    {
        var manifest = Manifests.Yaml(Valid + "\n  engine:\n    template:\n      metadata:\n        labels: {team: a, serving.tandem.dev/role: decode}\n");

        var error = Assert.Single(Manifests.AdmitLikeApiServer(manifest));

        Assert.Equal("spec.engine.template.metadata", error.Path);
        Assert.Contains("serving.tandem.dev/role", error.Message);
        var typed = Assert.Single(ApiValidator.Validate(KubernetesJson.Deserialize<InferenceDeployment>(manifest.ToJsonString())));
        Assert.Equal("spec.engine.template.metadata", typed.Path);
    }

    [Fact]
    public void Missing_model_is_a_required_value()
    {
        var manifest = Manifests.Yaml(Valid.Replace("  model: llama3-8b\n", ""));

        var error = Assert.Single(Manifests.AdmitLikeApiServer(manifest));

        Assert.Equal(("spec.model", "required"), (error.Path, error.Rule));
    }

    [Fact]
    public void A_valid_spec_has_no_errors_on_either_path()
    {
        var manifest = Manifests.Yaml(Valid);
        Assert.Empty(Manifests.AdmitLikeApiServer(manifest));
        Assert.Empty(ApiValidator.Validate(KubernetesJson.Deserialize<InferenceDeployment>(manifest.ToJsonString())));
    }

    [Fact]
    public void Every_rule_in_the_catalogue_is_used_by_a_type_and_tested_here()
    {
        var used = typeof(InferenceDeployment).Assembly.GetTypes()
            .SelectMany(t => t.GetCustomAttributes(typeof(RuleAttribute), false).Cast<RuleAttribute>()
                .Concat(t.GetProperties().SelectMany(p => p.GetCustomAttributes(typeof(RuleAttribute), false).Cast<RuleAttribute>())))
            .Select(r => r.Id)
            .ToHashSet();
        var tested = BrokenSpecs.Select(row => (string)row[2]).ToHashSet();
        tested.UnionWith(BrokenShapes.Select(row => (string)row[2]));
        tested.Add(ValidationRules.ById[ValidationRules.NativeNeedsImage].Cel);
        tested.Add(ValidationRules.ById[ValidationRules.TemplateLabelsNotTandem].Cel);

        Assert.Equal(ValidationRules.ById.Keys.Order(), used.Order());
        Assert.All(ValidationRules.ById.Values, rule => Assert.Contains(rule.Cel, tested));
    }

    private static string Cel(string id) => ValidationRules.ById[id].Cel;

    private static string WithScaling(string edit) =>
        Valid[..Valid.IndexOf("  scaling:", StringComparison.Ordinal)] + "  scaling:\n    " + edit + "\n";
}
