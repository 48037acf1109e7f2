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

            var prefill = plot.Add.ScatterLine(xs, t.Select(s => (double)s.ServingPrefill).ToArray());
            prefill.LegendText = $"{run.Name} prefill";
            prefill.ConnectStyle = ConnectStyle.StepHorizontal;
            var decode = plot.Add.ScatterLine(xs, t.Select(s => (double)s.ServingDecode).ToArray());
            decode.LegendText = $"{run.Name} decode";
            decode.ConnectStyle = ConnectStyle.StepHorizontal;
            decode.LinePattern = LinePattern.Dashed;
        }

        if (comparison.Runs.FirstOrDefault()?.Result.Timeline is { Count: > 0 } first)
        {
            var load = plot.Add.ScatterLine(first.Select(s => s.Time).ToArray(), first.Select(s => s.ArrivalsPerSecond).ToArray());
            load.LegendText = "arrivals/s (right axis)";
            load.Color = Colors.Gray.WithAlpha(0.6);
            load.Axes.YAxis = plot.Axes.Right;
        }

        plot.Title("Load and active instances per role");
        plot.XLabel("time (s)");
        plot.YLabel("active instances");
        plot.Axes.Right.Label.Text = "requests/s";
        plot.ShowLegend(Alignment.UpperLeft);
        if (path.EndsWith(".svg", StringComparison.OrdinalIgnoreCase))
        {
            plot.SaveSvg(path, width, height);
        }
        else
        {
            plot.SavePng(path, width, height);
        }
    }
}
