using ScottPlot;

namespace Tandem.Scaling.Simulation;

/// <summary>
/// Plots each policy in its own panel (ScottPlot 5): serving prefill and decode instances (integer ticks, from 0) and the
/// arrivals per second on the right axis, titled with the trace, window, model and policy; legend beside the data.
/// </summary>
public static class TimelinePlot
{
    /// <summary>Writes a PNG, or an SVG when <paramref name="path"/> ends in <c>.svg</c> (panels stacked in one image).</summary>
    public static void Save(PolicyComparison comparison, string path, string subject = "", int width = 1400, int panelHeight = 260)
    {
        var runs = comparison.Runs.Where(r => r.Result.Timeline.Count > 0).ToArray();
        if (runs.Length == 0)
        {
            runs = comparison.Runs.Take(1).ToArray();
        }

        var multiplot = new Multiplot();
        foreach (var stray in multiplot.GetPlots())
        {
            multiplot.RemovePlot(stray); // a new multiplot may start with an empty plot
        }

        var panels = runs.Select(_ => new Plot()).ToArray();
        foreach (var panel in panels)
        {
            multiplot.AddPlot(panel);
        }
        var top = runs.Length == 0 ? 1 : runs.Max(r => r.Result.Timeline.Count == 0 ? 1 : r.Result.Timeline.Max(s => Math.Max(s.ServingPrefill, s.ServingDecode)));
        for (var k = 0; k < runs.Length; k++)
        {
            var run = runs[k];
            var plot = panels[k];
            var t = run.Result.Timeline;
            var xs = t.Select(s => s.Time).ToArray();
            if (xs.Length > 0)
            {
                PlotFile.StepLine(plot, xs, t.Select(s => (double)s.ServingPrefill).ToArray(), "prefill serving", LinePattern.Solid);
                PlotFile.StepLine(plot, xs, t.Select(s => (double)s.ServingDecode).ToArray(), "decode serving", LinePattern.Dashed);
                PlotFile.LoadLine(plot, xs, t.Select(s => s.ArrivalsPerSecond).ToArray(), "arrivals/s (right)");
            }

            var stats = run.Stats;
            PlotFile.Style(plot, $"{subject}{run.Name}: {(stats.SloAttainment ?? 0) * 100:0.0}% attainment, {run.Result.GpuSeconds:0} GPU-s",
                "instances", "arrivals/s", top);
        }

        var height = panelHeight * Math.Max(runs.Length, 1);
        if (path.EndsWith(".svg", StringComparison.OrdinalIgnoreCase))
        {
            // ScottPlot's multiplot writes PNG only; an SVG stacks the panels as separate SVG images in one document.
            var parts = panels.Select(p => p.GetSvgXml(width, panelHeight)).ToArray();
            var body = string.Concat(parts.Select((svg, k) => $"<g transform=\"translate(0,{k * panelHeight})\">{StripHeader(svg)}</g>"));
            File.WriteAllText(path, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\">{body}</svg>");
        }
        else
        {
            multiplot.SavePng(path, width, height);
        }
    }

    private static string StripHeader(string svg) => svg.StartsWith("<?xml", StringComparison.Ordinal) ? svg[(svg.IndexOf("?>", StringComparison.Ordinal) + 2)..] : svg;
}
