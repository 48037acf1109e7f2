using System.Text.Json.Nodes;
using Tandem.Api.Serialization;

namespace Tandem.Cli.Tests.Chart;

/// <summary>The objects `helm template` rendered, parsed, with lookups by kind and name.</summary>
internal sealed class RenderedChart(IReadOnlyList<JsonObject> objects)
{
    public const string Release = "tandem";
    public const string Namespace = "tandem-system";

    public IReadOnlyList<JsonObject> Objects { get; } = objects;

    /// <summary>Renders the chart with `helm template` and the given --set values; fails the test if helm fails.</summary>
    public static async Task<RenderedChart> RenderAsync(params string[] sets)
    {
        var result = await TemplateAsync(sets);
        result.EnsureSuccess("helm template");
        return Parse(result.Output);
    }

    /// <summary>Runs `helm template` and returns its raw result (for tests that expect a failure).</summary>
    public static async Task<ProcessResult> TemplateAsync(params string[] sets)
    {
        var args = new List<string> { "template", Release, ChartTools.ChartDirectory, "--namespace", Namespace };
        foreach (var set in sets)
        {
            args.Add("--set");
            args.Add(set);
        }

        return await ExternalProcess.RunAsync(await ChartTools.HelmAsync(), args, ChartTools.HelmEnvironment);
    }

    public static RenderedChart Parse(string yaml) =>
        new(YamlJson.ParseAll(yaml).Select(node => node.AsObject()).ToArray());

    public IEnumerable<JsonObject> OfKind(string kind) => Objects.Where(o => Kind(o) == kind);

    public JsonObject Single(string kind) => Assert.Single(OfKind(kind));

    public JsonObject Single(string kind, string name) => Assert.Single(OfKind(kind), o => Name(o) == name);

    public static string Kind(JsonNode o) => (string)o["kind"]!;

    public static string Name(JsonNode o) => (string)o["metadata"]!["name"]!;

    public static string? NamespaceOf(JsonNode o) => (string?)o["metadata"]!["namespace"];

    public static IReadOnlyDictionary<string, string> Labels(JsonNode? labels) =>
        labels?.AsObject().ToDictionary(p => p.Key, p => (string)p.Value!) ?? [];

    /// <summary>The one container of the operator Deployment.</summary>
    public JsonObject OperatorContainer() =>
        Assert.Single(Single("Deployment")["spec"]!["template"]!["spec"]!["containers"]!.AsArray())!.AsObject();

    public IReadOnlyList<string> OperatorArgs() =>
        OperatorContainer()["args"]!.AsArray().Select(a => (string)a!).ToArray();
}
