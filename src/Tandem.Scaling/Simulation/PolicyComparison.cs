using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tandem.Scaling.Policies;
using Tandem.Scaling.Workload;

namespace Tandem.Scaling.Simulation;

/// <summary>One policy's simulated run, summarised against the oracle.</summary>
public sealed record PolicyRun(string Name, RunStats Stats, double OracleRatio, int ScaleEvents, SimulationResult Result);

/// <summary>
/// Several policies simulated on the same trace: the side-by-side stats table (with ratio to oracle and scale events)
/// and the JSON of DESIGN §4 (<c>{"oracle": {"gpuSeconds"}, "policies": [{"name", stats..., "oracleRatio", "scaleEvents"}]}</c>).
/// </summary>
public sealed record PolicyComparison(double OracleGpuSeconds, IReadOnlyList<PolicyRun> Runs)
{
    /// <summary>Simulates each named policy (a fresh policy object per run) on <paramref name="trace"/>.</summary>
    public static PolicyComparison Run(IReadOnlyList<TraceRequest> trace, IReadOnlyList<string> policies, SimulationOptions options, string field = "--policies")
    {
        var created = policies.Select(p => ScalingPolicies.Create(p, field)).ToArray(); // fail on a bad name before simulating
        var oracle = Oracle.GpuSeconds(trace, options.Model, options.Bounds);
        var runs = created.Select((policy, k) =>
        {
            var result = Simulator.Run(trace, policy, options);
            var stats = result.Stats();
            return new PolicyRun(policies[k], stats, oracle > 0 ? result.GpuSeconds / oracle : 0, result.Events.Count, result);
        }).ToArray();
        return new PolicyComparison(oracle, runs);
    }

    /// <summary>The stats table, one column per policy, with ratio to oracle and scale events below.</summary>
    public string RenderTable() =>
        StatsTable.Render(
            Runs.Select(r => (r.Name, r.Stats)).ToArray(),
            [
                ("ratio to oracle", Runs.Select(r => r.OracleRatio.ToString("0.00", CultureInfo.InvariantCulture)).ToArray()),
                ("scale events", Runs.Select(r => r.ScaleEvents.ToString(CultureInfo.InvariantCulture)).ToArray()),
            ]);

    /// <summary>The JSON report; <paramref name="withTimeline"/> adds each policy's scale-event timeline.</summary>
    public JsonObject ToJson(bool withTimeline = true)
    {
        var policies = new JsonArray();
        foreach (var run in Runs)
        {
            var entry = new JsonObject { ["name"] = run.Name };
            foreach (var (key, value) in JsonSerializer.SerializeToNode(run.Stats, StatsTable.JsonOptions)!.AsObject())
            {
                entry[key] = value?.DeepClone();
            }

            entry["oracleRatio"] = run.OracleRatio;
            entry["scaleEvents"] = run.ScaleEvents;
            if (withTimeline)
            {
                entry["timeline"] = JsonSerializer.SerializeToNode(run.Result.Events, StatsTable.JsonOptions);
            }

            policies.Add(entry);
        }

        return new JsonObject
        {
            ["oracle"] = new JsonObject { ["gpuSeconds"] = OracleGpuSeconds },
            ["policies"] = policies,
        };
    }
}
