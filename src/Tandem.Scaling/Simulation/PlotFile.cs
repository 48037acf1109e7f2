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

    /// <summary>Titles the plot, shows the legend and writes a PNG, or an SVG when <paramref name="path"/> ends in <c>.svg</c>.</summary>
    public static void Save(Plot plot, string path, string title, string yLabel, string rightLabel, int width = 1400, int height = 700)
    {
        plot.Title(title);
        plot.XLabel("time (s)");
        plot.YLabel(yLabel);
        plot.Axes.Right.Label.Text = rightLabel;
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
