using BenchmarkDotNet.Running;
using Tandem.Benchmarks.Fleet;
using Tandem.Benchmarks.Operator;
using Tandem.Benchmarks.Scaling;

// `-- reaction [...]` runs the operator reaction-time run (a timed run on the embedded stack, not BenchmarkDotNet):
//   dotnet run -c Release --project tests/Tandem.Benchmarks -- reaction
// `-- targets [...]` prints issue 11's targets table on the whole Azure traces (simulated); `-- targets --sweep` the grid:
//   dotnet run -c Release --project tests/Tandem.Benchmarks -- targets
// `-- reliability [--short]` runs issue 15's reliability scenarios (operator processes, kills, failovers, API faults):
//   dotnet run -c Release --project tests/Tandem.Benchmarks -- reliability --short
// `-- fleet [--deployments N] [...]` runs issue 15's 1,000-deployment scale run (emulator + operator process):
//   dotnet run -c Release --project tests/Tandem.Benchmarks -- fleet --deployments 1000
// Anything else goes to BenchmarkDotNet's switcher, e.g.
//   dotnet run -c Release --project tests/Tandem.Benchmarks -- --filter '*Decision*'
if (args.Length > 0 && args[0] == ReactionBenchmark.Switch)
{
    return await ReactionBenchmark.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == Tandem.Benchmarks.Reliability.ReliabilityBenchmark.Switch)
{
    return await Tandem.Benchmarks.Reliability.ReliabilityBenchmark.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == FleetBenchmark.Switch)
{
    // Exit at once when done: thousands of pod servers may still be stopping in the background.
    var code = await FleetBenchmark.RunAsync(args[1..]);
    Environment.Exit(code);
}

if (args.Length > 0 && args[0] == TargetsBenchmark.Switch)
{
    return TargetsBenchmark.Run(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(ReactionBenchmark).Assembly).Run(args);
return 0;
