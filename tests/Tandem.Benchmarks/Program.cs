using BenchmarkDotNet.Running;
using Tandem.Benchmarks.Operator;

// `-- reaction [...]` runs the operator reaction-time run (a timed run on the embedded stack, not BenchmarkDotNet):
//   dotnet run -c Release --project tests/Tandem.Benchmarks -- reaction
// Anything else goes to BenchmarkDotNet's switcher, e.g.
//   dotnet run -c Release --project tests/Tandem.Benchmarks -- --filter '*Decision*'
if (args.Length > 0 && args[0] == ReactionBenchmark.Switch)
{
    return await ReactionBenchmark.RunAsync(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(ReactionBenchmark).Assembly).Run(args);
return 0;
