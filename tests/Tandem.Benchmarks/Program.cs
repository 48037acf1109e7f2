using BenchmarkDotNet.Running;

// Runs the benchmarks named on the command line (BenchmarkDotNet's switcher), e.g.
//   dotnet run -c Release --project tests/Tandem.Benchmarks -- --filter '*Decision*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
