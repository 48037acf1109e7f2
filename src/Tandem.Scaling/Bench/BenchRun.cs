using System.Globalization;

namespace Tandem.Scaling.Bench;

/// <summary>One run of a sweep: a model, a feature set, a dataset, a policy and one value per router key.</summary>
public sealed record BenchRun(string Model, string Features, string Dataset, string Policy, IReadOnlyDictionary<string, object> Router, IReadOnlyList<string> SweptKeys)
{
    /// <summary>A file-system-safe name, unique within the sweep: model+features+dataset[+policy][+key=value...].</summary>
    public string Name =>
        string.Join("+", new[] { Model, Features, Dataset }
            .Concat(SweptKeys.Contains("policy") ? [Policy.Replace(':', '_')] : [])
            .Concat(SweptKeys.Where(k => k != "policy").Select(k => $"{k}={Format(Router[k])}")));

    public static string Format(object value) => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
}

/// <summary>Expands a template into its runs: models × features × datasets × policies × every list-valued router key.</summary>
public static class BenchPlan
{
    public static IReadOnlyList<BenchRun> Expand(BenchTemplate template)
    {
        var swept = template.Router.Where(kv => kv.Value.Count > 1).Select(kv => kv.Key).Order(StringComparer.Ordinal).ToList();
        if (template.Policies.Count > 1)
        {
            swept.Insert(0, "policy");
        }

        IEnumerable<Dictionary<string, object>> routerPoints = [new Dictionary<string, object>()];
        foreach (var (key, values) in template.Router.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            routerPoints = routerPoints.SelectMany(point => values.Select(v => new Dictionary<string, object>(point) { [key] = v }));
        }

        var points = routerPoints.ToArray();
        return (
            from model in template.SelectedModels
            from features in template.SelectedFeatures
            from dataset in template.SelectedDatasets
            from policy in template.Policies
            from point in points
            select new BenchRun(model, features, dataset, policy, point, swept)).ToArray();
    }
}
