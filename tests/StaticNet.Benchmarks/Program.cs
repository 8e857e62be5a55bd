using BenchmarkDotNet.Running;
using StaticNet.Benchmarks;

// dotnet run -c Release --project tests/StaticNet.Benchmarks -- --quick        every workload beside its peer, in a minute
// dotnet run -c Release --project tests/StaticNet.Benchmarks -- --smoke        each workload once (CI)
// dotnet run -c Release --project tests/StaticNet.Benchmarks -- --filter '*'   BenchmarkDotNet
if (args.Length > 0 && args[0] is "--quick" or "--smoke") Quick.Run(smoke: args[0] == "--smoke");
else BenchmarkSwitcher.FromAssembly(typeof(Workloads).Assembly).Run(args);
