using ScottPlot;

namespace Tandem.Cli.Demo;

/// <summary>One look at the demo's fleet and load.</summary>
public sealed record DemoSample(double Seconds, int Prefill, int Decode, int Standby, int Warm, int Pods, int Sent, int Done, int Failed);

/// <summary>The demo's samples over time: GPU-seconds held, and a plot of instances per role and the request rate.</summary>
public sealed class DemoTimeline
{
    private readonly List<DemoSample> _samples = [];

    public IReadOnlyList<DemoSample> Samples => _samples;

    public void Add(DemoSample sample) => _samples.Add(sample);

    /// <summary>Pods × GPUs per pod, integrated over time (every pod holds its GPUs, standby and warm included).</summary>
    public double GpuSeconds(int gpusPerPod) =>
        _samples.Zip(_samples.Skip(1)).Sum(pair => pair.First.Pods * gpusPerPod * (pair.Second.Seconds - pair.First.Seconds));

    /// <summary>Writes a PNG (or SVG) of active instances per role, standby and warm, and completed requests per second.</summary>
    public void Save(string path)
    {
        var plot = new Plot();
        var xs = _samples.Select(s => s.Seconds).ToArray();
        Line(plot, xs, _samples.Select(s => (double)s.Prefill), "prefill active", LinePattern.Solid);
        Line(plot, xs, _samples.Select(s => (double)s.Decode), "decode active", LinePattern.Solid);
        Line(plot, xs, _samples.Select(s => (double)s.Standby), "standby", LinePattern.Dotted);
        Line(plot, xs, _samples.Select(s => (double)s.Warm), "warm", LinePattern.Dashed);
        var rate = _samples.Zip(_samples.Skip(1)).Select(p => (p.Second.Done - p.First.Done) / Math.Max(1e-6, p.Second.Seconds - p.First.Seconds)).Prepend(0).ToArray();
        var load = plot.Add.ScatterLine(xs, rate);
        load.LegendText = "completed requests/s (right axis)";
        load.Color = Colors.Gray.WithAlpha(0.6);
        load.Axes.YAxis = plot.Axes.Right;
        plot.Title("tandem demo: instances per role and load");
        plot.XLabel("time (s)");
        plot.YLabel("instances");
        plot.Axes.Right.Label.Text = "requests/s";
        plot.ShowLegend(Alignment.UpperLeft);
        if (path.EndsWith(".svg", StringComparison.OrdinalIgnoreCase))
        {
            plot.SaveSvg(path, 1400, 700);
        }
        else
        {
            plot.SavePng(path, 1400, 700);
        }
    }

    private static void Line(Plot plot, double[] xs, IEnumerable<double> ys, string label, LinePattern pattern)
    {
        var line = plot.Add.ScatterLine(xs, ys.ToArray());
        line.LegendText = label;
        line.ConnectStyle = ConnectStyle.StepHorizontal;
        line.LinePattern = pattern;
    }
}
