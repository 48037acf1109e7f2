using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tandem.Scaling.Policies;
using Tandem.Scaling.Workload;

namespace Tandem.Scaling.Simulation;

/// <summary>One policy's simulated run, summarised against both yardsticks.</summary>
public sealed record PolicyRun(string Name, RunStats Stats, double OracleRatio, double FairStaticRatio, int ScaleEvents, SimulationResult Result);

/// <summary>
/// Several policies simulated on the same trace beside two yardsticks: the fair static fleet (<see cref="FairStatic"/>)
/// and the SLO-aware oracle (<see cref="Oracle"/>). The stats table adds GPU-seconds split into serving and reserved and
/// the ratio to each yardstick; the JSON is DESIGN §4's (<c>{"oracle": {"gpuSeconds"}, "fairStatic": {...},
/// "policies": [{"name", stats..., "servingGpuSeconds", "reservedGpuSeconds", "oracleRatio", "fairStaticRatio",
/// "scaleEvents"}]}</c>). The name <c>static</c> (no counts) runs the fair static fleet.
/// </summary>
public sealed record PolicyComparison(OracleBound Oracle, FairStaticFleet FairStatic, IReadOnlyList<PolicyRun> Runs)
{
    /// <summary>The oracle's GPU-seconds.</summary>
    public double OracleGpuSeconds => Oracle.GpuSeconds;

    /// <summary>Simulates each named policy (a fresh policy object per run) on <paramref name="trace"/>.</summary>
    public static PolicyComparison Run(IReadOnlyList<TraceRequest> trace, IReadOnlyList<string> policies, SimulationOptions options, string field = "--policies")
    {
        var created = policies.Select(p => ScalingPolicies.Create(p, field)).ToArray(); // fail on a bad name before simulating
        var oracle = Simulation.Oracle.Bound(trace, options.Model, options.EffectiveSlo);
        var fair = Simulation.FairStatic.Find(trace, options, options.AttainmentTarget);
        var runs = created.Select((policy, k) =>
        {
            var isFair = policy is StaticPolicy { Prefill: null, Decode: null };
            var result = isFair ? fair.Result : Simulator.Run(trace, policy, options);
            var name = isFair ? $"{fair.Name} (fair)" : policies[k];
            return new PolicyRun(name, result.Stats(), Ratio(result.GpuSeconds, oracle.GpuSeconds), Ratio(result.GpuSeconds, fair.Result.GpuSeconds), result.Events.Count, result);
        }).ToArray();
        return new PolicyComparison(oracle, fair, runs);
    }

    private static double Ratio(double value, double basis) => basis > 0 ? value / basis : 0;

    /// <summary>The stats table, one column per policy, with the GPU-second split, the yardstick ratios and scale events below.</summary>
    public string RenderTable() =>
        StatsTable.Render(
            Runs.Select(r => (r.Name, r.Stats)).ToArray(),
            [
                ("  serving GPU-s", Runs.Select(r => F(r.Result.ServingGpuSeconds, "0.0")).ToArray()),
                ("  reserved GPU-s", Runs.Select(r => F(r.Result.ReservedGpuSeconds, "0.0")).ToArray()),
                ($"ratio to fair {FairStatic.Name}", Runs.Select(r => F(r.FairStaticRatio, "0.00")).ToArray()),
                ("ratio to oracle", Runs.Select(r => F(r.OracleRatio, "0.00")).ToArray()),
                ("scale events", Runs.Select(r => r.ScaleEvents.ToString(CultureInfo.InvariantCulture)).ToArray()),
            ]);

    /// <summary>One line naming both yardsticks.</summary>
    public string RenderYardsticks() => string.Create(CultureInfo.InvariantCulture,
        $"fair static {FairStatic.Name} (smallest fixed fleet, no standby, reaching {FairStatic.Target:P1}): {FairStatic.Attainment:P1} attainment, {FairStatic.Result.GpuSeconds:0.0} GPU-seconds ({FairStatic.Runs} runs searched); "
        + $"SLO-aware oracle: {Oracle.GpuSeconds:0.0} GPU-seconds (prefill {Oracle.PrefillGpuSeconds:0.0}, decode {Oracle.DecodeGpuSeconds:0.0})");

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

            entry["servingGpuSeconds"] = run.Result.ServingGpuSeconds;
            entry["reservedGpuSeconds"] = run.Result.ReservedGpuSeconds;
            entry["oracleRatio"] = run.OracleRatio;
            entry["fairStaticRatio"] = run.FairStaticRatio;
            entry["scaleEvents"] = run.ScaleEvents;
            if (withTimeline)
            {
                entry["timeline"] = JsonSerializer.SerializeToNode(run.Result.Events, StatsTable.JsonOptions);
            }

            policies.Add(entry);
        }

        return new JsonObject
        {
            ["oracle"] = new JsonObject
            {
                ["gpuSeconds"] = Oracle.GpuSeconds,
                ["prefillGpuSeconds"] = Oracle.PrefillGpuSeconds,
                ["decodeGpuSeconds"] = Oracle.DecodeGpuSeconds,
            },
            ["fairStatic"] = new JsonObject
            {
                ["name"] = FairStatic.Name,
                ["prefill"] = FairStatic.Prefill,
                ["decode"] = FairStatic.Decode,
                ["target"] = FairStatic.Target,
                ["sloAttainment"] = FairStatic.Attainment,
                ["gpuSeconds"] = FairStatic.Result.GpuSeconds,
                ["searchRuns"] = FairStatic.Runs,
            },
            ["policies"] = policies,
        };
    }

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
