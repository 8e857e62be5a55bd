using BenchmarkDotNet.Running;

// dotnet run -c Release --project tests/StaticNet.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(StaticNet.Benchmarks.DigitsBenchmarks).Assembly).Run(args);
