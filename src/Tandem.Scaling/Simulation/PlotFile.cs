using ScottPlot;

namespace Tandem.Scaling.Simulation;

/// <summary>Helpers shared by Tandem's timeline plots (the simulator's and the demo's).</summary>
public static class PlotFile
{
    /// <summary>Adds a step line of <paramref name="ys"/> over <paramref name="xs"/> with a legend entry.</summary>
    public static void StepLine(Plot plot, double[] xs, double[] ys, string label, LinePattern pattern)
    {
        var line = plot.Add.ScatterLine(xs, ys);
        line.LegendText = label;
        line.ConnectStyle = ConnectStyle.StepHorizontal;
        line.LinePattern = pattern;
    }

    /// <summary>Adds a grey load line on the right axis.</summary>
    public static void LoadLine(Plot plot, double[] xs, double[] ys, string label)
    {
        var load = plot.Add.ScatterLine(xs, ys);
        load.LegendText = label;
        load.Color = Colors.Gray.WithAlpha(0.6);
        load.Axes.YAxis = plot.Axes.Right;
    }

    /// <summary>
    /// Titles one panel, puts the legend beside the data, gives the instance axis integer ticks from 0 to
    /// <paramref name="top"/> (+1 headroom) and keeps the load axis non-negative.
    /// </summary>
    public static void Style(Plot plot, string title, string yLabel, string rightLabel, int top)
    {
        plot.Title(title);
        plot.XLabel("time (s)");
        plot.YLabel(yLabel);
        plot.Axes.Right.Label.Text = rightLabel;
        plot.ShowLegend(Edge.Right);
        var ticks = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.Axes.Left.TickGenerator = ticks;
        plot.Axes.AutoScale();
        plot.Axes.SetLimitsX(0, Math.Max(plot.Axes.Bottom.Max, 1));
        plot.Axes.SetLimitsY(0, top + 1, plot.Axes.Left);
        plot.Axes.SetLimitsY(0, Math.Max(plot.Axes.Right.Max, 1) * 1.05, plot.Axes.Right);
    }

    /// <summary>Writes a PNG, or an SVG when <paramref name="path"/> ends in <c>.svg</c> (style it first with <see cref="Style"/>).</summary>
    public static void Save(Plot plot, string path, int width = 1400, int height = 700)
    {
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
