using ScottPlot;

namespace Tandem.Scaling.Simulation;

/// <summary>Plots load (arrivals per second, right axis) and active instances per role over time for each policy (ScottPlot 5).</summary>
public static class TimelinePlot
{
    /// <summary>Writes a PNG, or an SVG when <paramref name="path"/> ends in <c>.svg</c>.</summary>
    public static void Save(PolicyComparison comparison, string path, int width = 1400, int height = 700)
    {
        var plot = new Plot();
        foreach (var run in comparison.Runs)
        {
            var t = run.Result.Timeline;
            var xs = t.Select(s => s.Time).ToArray();
            if (xs.Length == 0)
            {
                continue;
            }

            PlotFile.StepLine(plot, xs, t.Select(s => (double)s.ServingPrefill).ToArray(), $"{run.Name} prefill", LinePattern.Solid);
            PlotFile.StepLine(plot, xs, t.Select(s => (double)s.ServingDecode).ToArray(), $"{run.Name} decode", LinePattern.Dashed);
        }

        if (comparison.Runs.FirstOrDefault()?.Result.Timeline is { Count: > 0 } first)
        {
            PlotFile.LoadLine(plot, first.Select(s => s.Time).ToArray(), first.Select(s => s.ArrivalsPerSecond).ToArray(), "arrivals/s (right axis)");
        }

        PlotFile.Save(plot, path, "Load and active instances per role", "active instances", "requests/s", width, height);
    }
}
