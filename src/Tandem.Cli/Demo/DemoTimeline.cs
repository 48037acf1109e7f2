using ScottPlot;
using Tandem.Scaling.Simulation;

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

    /// <summary>
    /// Writes a PNG (or SVG) of active instances per role, standby and warm (integer ticks from 0), and the arrival rate
    /// on the right axis, titled with <paramref name="subject"/> (trace, window, model, policy).
    /// </summary>
    public void Save(string path, string subject)
    {
        var plot = new Plot();
        var xs = _samples.Select(s => s.Seconds).ToArray();
        PlotFile.StepLine(plot, xs, _samples.Select(s => (double)s.Prefill).ToArray(), "prefill active", LinePattern.Solid);
        PlotFile.StepLine(plot, xs, _samples.Select(s => (double)s.Decode).ToArray(), "decode active", LinePattern.Solid);
        PlotFile.StepLine(plot, xs, _samples.Select(s => (double)s.Standby).ToArray(), "standby", LinePattern.Dotted);
        PlotFile.StepLine(plot, xs, _samples.Select(s => (double)s.Warm).ToArray(), "warm", LinePattern.Dashed);
        // Arrivals (requests sent), not completions: the load the fleet had to follow.
        var arrivals = _samples.Zip(_samples.Skip(1)).Select(p => (p.Second.Sent - p.First.Sent) / Math.Max(1e-6, p.Second.Seconds - p.First.Seconds)).Prepend(0).ToArray();
        PlotFile.LoadLine(plot, xs, arrivals, "arrivals/s (right)");
        var top = _samples.Count == 0 ? 1 : _samples.Max(s => Math.Max(Math.Max(s.Prefill, s.Decode), Math.Max(s.Standby, s.Warm)));
        PlotFile.Style(plot, "tandem demo: " + subject, "instances", "arrivals (requests/s)", top);
        PlotFile.Save(plot, path);
    }
}
